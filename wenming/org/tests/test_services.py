"""Writes to the organisation tables keep the tree consistent and are audited."""

import pytest

from wenming.core.errors import InvalidInput
from wenming.core.models import AuditEntry
from wenming.org.models import Region
from wenming.org.services import person_create, person_update, region_create


def test_street_under_district_gets_level_and_path(cast):
    street = region_create(code="210202002", name="桃源街道", kind="street",
                           parent=cast.zhongshan_district, actor=cast.office)
    assert street.level == "street"
    assert street.path == "/210200/210202/210202002/"
    assert street.pk in cast.zhongshan_district.subtree_ids()
    assert AuditEntry.objects.filter(action="region.create", target_id=str(street.pk)).exists()


def test_code_must_extend_the_parent_code(cast):
    with pytest.raises(InvalidInput) as err:
        region_create(code="210211009", name="错街道", kind="street", parent=cast.zhongshan_district)
    assert "210202" in str(err.value.message)
    assert not Region.objects.filter(code="210211009").exists()


def test_level_must_fit_the_parent(cast):
    with pytest.raises(InvalidInput):
        region_create(code="210202001002", name="社区", kind="community",
                      parent=cast.zhongshan_district)


def test_region_officer_needs_a_region(cast):
    with pytest.raises(InvalidInput):
        person_create(username="nobody", password="x", role="region_officer")


def test_ancestors_in_order(cast):
    assert [r.code for r in cast.zhongshan_community.ancestors()] == ["210200", "210202", "210202001"]


def test_display_name_follows_language(cast):
    from django.utils import translation

    with translation.override("en"):
        assert str(cast.zhongshan_district) == "Zhongshan District"
    with translation.override("zh-hans"):
        assert str(cast.zhongshan_district) == "中山区"


def test_person_update_is_audited_and_keeps_a_roles_attachment(cast):
    person_update(person=cast.zhongshan, actor=cast.office, is_active=False)
    entry = AuditEntry.objects.get(action="person.update", target_id=str(cast.zhongshan.pk))
    assert entry.data["before"] == {"is_active": True} and entry.data["after"] == {"is_active": False}
    with pytest.raises(InvalidInput):
        person_update(person=cast.zhongshan, actor=cast.office, region=None)
    with pytest.raises(InvalidInput):
        person_update(person=cast.zhongshan, actor=cast.office, password="x")
    cast.zhongshan.refresh_from_db()
    assert cast.zhongshan.region_id is not None and not cast.zhongshan.is_active
