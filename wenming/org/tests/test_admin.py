"""The admin saves regions and units through the services: audited, the fields that place a
region in the tree fixed after creation, and every app server's copy of the reference rows
dropped at once (core/refcache.py)."""

import pytest
from django.utils import timezone

from wenming.core.errors import InvalidInput
from wenming.core.models import AuditEntry
from wenming.org.models import Region, Unit
from wenming.org.selectors import REGIONS, UNITS
from wenming.org.services import region_update, unit_update


def test_deactivating_a_unit_in_the_admin_is_audited_and_seen_at_once(cast, page_as):
    assert UNITS.by_key("URBAN").is_active  # this process holds its copy
    unit = cast.urban_unit
    response = page_as(cast.office).post(
        f"/admin/org/unit/{unit.pk}/change/",
        {"name": unit.name, "name_en": "Urban", "short_name": "城管", "kind": unit.kind},
    )
    assert response.status_code == 302, response.content
    assert not UNITS.by_key("URBAN").is_active and UNITS.by_key("URBAN").name_en == "Urban"
    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.actor_name == "office" and entry.data["after"]["is_active"] is False


def test_a_unit_added_in_the_admin_is_created_by_the_service(cast, page_as):
    response = page_as(cast.office).post(
        "/admin/org/unit/add/",
        {"code": "ECO", "name": "市生态环境局", "kind": cast.urban_unit.kind, "is_active": "on"},
    )
    assert response.status_code == 302, response.content
    assert UNITS.by_key("ECO") == Unit.objects.get(code="ECO")
    assert AuditEntry.objects.filter(action="unit.create", actor_name="office").exists()


def test_renaming_a_region_in_the_admin_keeps_its_place_in_the_tree(cast, page_as):
    street = cast.zhongshan_street
    assert REGIONS.by_key(street.code).name == street.name
    response = page_as(cast.office).post(
        f"/admin/org/region/{street.pk}/change/",
        # code and parent are read-only once created: values sent for them are ignored
        {"name": "新街道", "name_en": "", "code": "999999999", "parent": cast.city.pk},
    )
    assert response.status_code == 302, response.content
    renamed = REGIONS.by_key(street.code)
    assert renamed.name == "新街道" and renamed.path == street.path
    assert Region.objects.filter(code="999999999").count() == 0
    assert AuditEntry.objects.filter(action="region.update").exists()


def test_deleting_a_unit_in_the_admin_goes_through_the_service(cast, page_as):
    unit = Unit.objects.create(code="OLD", name="已撤销单位")
    assert UNITS.by_key("OLD") is not None
    response = page_as(cast.office).post(f"/admin/org/unit/{unit.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert UNITS.by_key("OLD") is None
    assert AuditEntry.objects.filter(action="unit.delete").exists()


def test_the_update_services_refuse_what_may_not_change_and_what_is_invalid(cast):
    with pytest.raises(InvalidInput, match="code"):
        unit_update(unit=cast.urban_unit, actor=cast.office, code="X")
    with pytest.raises(InvalidInput, match="parent"):
        region_update(region=cast.zhongshan_street, actor=cast.office, parent=cast.city)
    with pytest.raises(InvalidInput):  # unit names are unique
        unit_update(unit=cast.urban_unit, actor=cast.office, name=cast.education_unit.name)
    assert UNITS.by_key("URBAN").name == cast.urban_unit.name
    assert not AuditEntry.objects.filter(action__in=["unit.update", "region.update"]).exists()


# --- what the services refuse is shown, never a 500 -----------------------------------------


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_region_the_service_refuses_is_shown_with_its_message_and_nothing_is_written(
    cast, page_as
):
    client = page_as(cast.office)
    # A community straight under the city: the service wants a street as its parent.
    sent = {"code": "210200999999", "name": "错层社区", "kind": "community", "parent": cast.city.pk}
    response = client.post("/admin/org/region/add/", sent)
    assert response.status_code == 302
    assert "name=" in response["Location"]  # the add form comes back with what was typed
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert any("街道" in m for m in _messages(page)), _messages(page)
    assert page.context["adminform"].form.initial["code"] == "210200999999"
    assert not Region.objects.filter(code="210200999999").exists()
    assert not AuditEntry.objects.filter(action="region.create").exists()


def test_a_person_deactivated_in_the_admin_loses_api_access_at_once(cast, page_as, api_as):
    """The admin's person form goes through person_update: audited, and the token copy of
    every app server dropped, so the next API call is refused rather than up to 30 s later."""
    from wenming.core.services import token_authenticate, token_create

    person = cast.urban
    _token, raw = token_create(person=person, name="phone")
    assert token_authenticate(raw) == person  # this process now holds a copy
    joined = timezone.localtime(person.date_joined)
    response = page_as(cast.office).post(
        f"/admin/org/person/{person.pk}/change/",
        {
            "username": person.username,
            "display_name": person.display_name,
            "role": person.role,
            "unit": person.unit_id,
            "phone": person.phone,
            "date_joined_0": joined.strftime("%Y-%m-%d"),
            "date_joined_1": joined.strftime("%H:%M:%S"),
            # is_active left out: the box unticked
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert token_authenticate(raw) is None
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.actor_name == "office" and entry.data["after"] == {"is_active": False}
