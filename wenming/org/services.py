"""Every write to the organisation tables."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import InvalidInput
from wenming.core.refcache import invalidate

from .models import LEVEL_OF_KIND, PARENT_LEVEL, Person, Region, Unit
from .roles import Role


def region_path(*, code: str, parent: Region | None) -> str:
    return f"{parent.path if parent else '/'}{code}/"


def region_create(*, code: str, name: str, kind: str, parent: Region | None = None,
                  name_en: str = "", is_demo: bool = False, actor=None, audit: bool = True) -> Region:
    """Create a region under `parent`, checking the level and the code's inheritance."""
    level = LEVEL_OF_KIND[kind]
    expected_parent_level = PARENT_LEVEL[level]
    if (parent.level if parent else None) != expected_parent_level:
        raise InvalidInput(_("A %(level)s must sit under a %(parent)s.") % {
            "level": level.label, "parent": expected_parent_level.label if expected_parent_level else "-"})
    # Grid coding: a street's 9 digits extend its district's 6; a community's 12 its street's 9.
    if level in ("street", "community") and not code.startswith(parent.code):
        raise InvalidInput(_("Code %(code)s must start with its parent's code %(parent)s.") % {
            "code": code, "parent": parent.code})
    with transaction.atomic():
        region = Region.objects.create(
            code=code, name=name, name_en=name_en, kind=kind, level=level, parent=parent,
            path=region_path(code=code, parent=parent), is_demo=is_demo,
        )
        if audit:
            audit_record(action="region.create", actor=actor, target=region, data={"code": code})
        invalidate()
    return region


# What may change once a row exists: a region's code, kind and parent make its path, which its
# descendants, people and problems are filed under, so they are fixed at creation.
REGION_FIELDS = ("name", "name_en")
UNIT_FIELDS = ("name", "name_en", "short_name", "kind", "is_active")


def _apply(row, fields: tuple, values: dict, *, action: str, actor) -> dict:
    """Set, check, save and audit the `values` that differ from `row`; return them."""
    unknown = set(values) - set(fields)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed: %(fields)s.") % {
            "fields": ", ".join(sorted(unknown))})
    changed = {name: value for name, value in values.items() if getattr(row, name) != value}
    if not changed:
        return changed
    before = {name: getattr(row, name) for name in changed}
    for name, value in changed.items():
        setattr(row, name, value)
    try:
        row.full_clean()
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages)) from None
    row.save(update_fields=list(changed))
    audit_record(action=action, actor=actor, target=row,
                 data={"code": row.code, "before": before, "after": changed})
    return changed


def region_update(*, region: Region, actor=None, **values) -> Region:
    """Rename a region; every app server's copy of the regions is dropped at once."""
    with transaction.atomic():
        locked = Region.objects.select_for_update().get(pk=region.pk)
        if _apply(locked, REGION_FIELDS, values, action="region.update", actor=actor):
            invalidate()
    return locked


def region_delete(*, region: Region, actor=None) -> None:
    """Remove a region nothing refers to (the database refuses otherwise)."""
    with transaction.atomic():
        audit_record(action="region.delete", actor=actor, target=region, data={"code": region.code})
        region.delete()
        invalidate()


def unit_create(*, code: str, name: str, kind: str = "government", name_en: str = "",
                short_name: str = "", is_demo: bool = False, actor=None) -> Unit:
    """Register a member unit of the Civilization Commission."""
    with transaction.atomic():
        unit = Unit.objects.create(code=code, name=name, name_en=name_en, kind=kind,
                                   short_name=short_name, is_demo=is_demo)
        audit_record(action="unit.create", actor=actor, target=unit, data={"code": code})
        invalidate()
    return unit


def unit_update(*, unit: Unit, actor=None, **values) -> Unit:
    """Rename, re-kind or (de)activate a member unit; every app server sees it at once."""
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        if _apply(locked, UNIT_FIELDS, values, action="unit.update", actor=actor):
            invalidate()
    return locked


def unit_delete(*, unit: Unit, actor=None) -> None:
    """Remove a member unit nothing refers to (the database refuses otherwise)."""
    with transaction.atomic():
        audit_record(action="unit.delete", actor=actor, target=unit, data={"code": unit.code})
        unit.delete()
        invalidate()


def person_create(*, username: str, password: str | None, role: str, display_name: str = "",
                  region: Region | None = None, unit: Unit | None = None, is_demo: bool = False,
                  is_superuser: bool = False, actor=None) -> Person:
    """Create a person who can log in, with exactly the attachment their role needs."""
    if role == Role.REGION_OFFICER and region is None:
        raise InvalidInput(_("A region officer needs a region."))
    if role == Role.UNIT_OFFICER and unit is None:
        raise InvalidInput(_("A member unit officer needs a member unit."))
    with transaction.atomic():
        person = Person(username=username, role=role, display_name=display_name, region=region,
                        unit=unit, is_demo=is_demo, is_superuser=is_superuser,
                        is_staff=is_superuser or role == Role.OFFICE_ADMIN)
        if password:
            person.set_password(password)
        else:
            person.set_unusable_password()
        person.save()
        audit_record(action="person.create", actor=actor, target=person,
                     data={"username": username, "role": role})
    return person


# What a person's row may change after creation through `person_update`.
PERSON_FIELDS = ("display_name", "role", "region", "unit", "phone", "is_active")


def person_update(*, person: Person, actor=None, **values) -> Person:
    """Change a person's role, attachment or standing (`is_active=False` deactivates them).

    Every app server's short-lived copy of the token → person look-up (core/services.py) is
    dropped at once, so a deactivated person's tokens are refused from the next request on.
    """
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed: %(fields)s.") % {
            "fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        changed = {name: value for name, value in values.items() if getattr(locked, name) != value}
        if not changed:
            return locked
        before = {name: _audit_value(getattr(locked, name)) for name in changed}
        for name, value in changed.items():
            setattr(locked, name, value)
        if locked.role == Role.REGION_OFFICER and locked.region_id is None:
            raise InvalidInput(_("A region officer needs a region."))
        if locked.role == Role.UNIT_OFFICER and locked.unit_id is None:
            raise InvalidInput(_("A member unit officer needs a member unit."))
        locked.save(update_fields=list(changed))
        audit_record(action="person.update", actor=actor, target=locked, data={
            "username": locked.username, "before": before,
            "after": {name: _audit_value(value) for name, value in changed.items()}})
        invalidate()
    return locked


def person_language_set(*, person: Person, language: str) -> None:
    """Keep the interface language a person chose, so what is sent to them later (e-mails)
    reads in it. Not audited: a preference, not a change of rights or data."""
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Unknown language."), code="bad_language")
    Person.objects.filter(pk=person.pk).exclude(language=language).update(language=language)


def _audit_value(value):
    return getattr(value, "code", value)
