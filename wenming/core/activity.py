"""The activity page's reads: the audit log newest first, in words a person reads.

The log (`core.AuditEntry`) stores what a service wrote: an action code (`problem.dispatch`),
the target as model label and primary key, and details with codes (`"unit": "URBAN"`). This
module turns a page of it into rows with translated action labels, problem codes instead of
database ids and region/unit names instead of codes. Apps say how their own actions, targets,
detail keys and values read (`register_activity` in their `AppConfig.ready()`), so the kernel
names no app; every action the code writes has its app's label (core/tests/
test_activity_labels.py), and an older code nobody names any more reads as "object type — verb"
from the model's own verbose name.

Pages are keyset pages over (created_at, seq), newest first: every filter the page offers is
served by an index (`audit_time`, `audit_action_time`, `audit_actor_time`), and no page costs
more than the one before it, whatever the log's length (no OFFSET).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext, pgettext_lazy
from django.utils.translation import gettext as _

from .errors import InvalidInput, NotAllowed
from .models import AuditEntry
from .roles import Role

# Who reads the log: the office, and leaders, who see everything read-only (domain.md).
READERS = frozenset({Role.OFFICE_ADMIN, Role.LEADER})
PAGE_SIZE = 50

# The kernel's own actions; apps register theirs.
_LABELS: dict[str, object] = {
    "auth.login": pgettext_lazy("audit action", "Signed in"),
    "auth.logout": pgettext_lazy("audit action", "Signed out"),
    "auth.login_failed": pgettext_lazy("audit action", "Failed sign-in"),
    "auth.lockout": pgettext_lazy("audit action", "Sign-in refused: account locked"),
    "auth.password_change": pgettext_lazy("audit action", "Changed their password"),
    "token.create": pgettext_lazy("audit action", "Created an API token"),
    "token.revoke": pgettext_lazy("audit action", "Revoked an API token"),
    "holiday.set": pgettext_lazy("audit action", "Set a holiday or make-up workday"),
    "holiday.delete": pgettext_lazy("audit action", "Removed a holiday or make-up workday"),
    "holiday_year.mark": pgettext_lazy("audit action", "Marked a year's holiday list"),
    "audit.rekey": pgettext_lazy("audit action", "Re-keyed the audit log"),
    "demo.load": pgettext_lazy("audit action", "Loaded the demo city"),
}
_PREFIX_LABELS: list[tuple[str, Callable[[str], object | None]]] = []
_TARGETS: dict[str, Callable[[list[str]], dict[str, tuple[str, str | None]]]] = {}
# The demo's sizes (`core.demo.SCALES`), for the kernel's own "demo.load".
_SCALES = {
    "small": pgettext_lazy("demo scale", "small"),
    "city": pgettext_lazy("demo scale", "a whole city"),
    "city-year": pgettext_lazy("demo scale", "a whole city over a year"),
}
_VALUES: list[tuple[str, str, Callable[[object], str]]] = [
    ("demo.", "scale", lambda value: str(_SCALES.get(value, value))),
]
_KEY_LABELS: list[tuple[str, str, object]] = []

# How the last part of an action code reads when no app named the action.
_VERBS = {
    "create": pgettext_lazy("audit verb", "created"),
    "update": pgettext_lazy("audit verb", "changed"),
    "delete": pgettext_lazy("audit verb", "deleted"),
    "import": pgettext_lazy("audit verb", "imported"),
    "export": pgettext_lazy("audit verb", "exported"),
    "archive": pgettext_lazy("audit verb", "archived"),
    "activate": pgettext_lazy("audit verb", "activated"),
    "clone": pgettext_lazy("audit verb", "copied"),
    "retry": pgettext_lazy("audit verb", "retried"),
    "test": pgettext_lazy("audit verb", "tested"),
    "set": pgettext_lazy("audit verb", "set"),
    "mark": pgettext_lazy("audit verb", "marked"),
    "load": pgettext_lazy("audit verb", "loaded"),
}

# Labels of the detail keys services write; a key not here is shown as written.
_KEYS = {
    "code": pgettext_lazy("audit detail", "Code"),
    "from": pgettext_lazy("audit detail", "From"),
    "to": pgettext_lazy("audit detail", "To"),
    "unit": pgettext_lazy("audit detail", "Unit"),
    "units": pgettext_lazy("audit detail", "Units"),
    "co_units": pgettext_lazy("audit detail", "Co-units"),
    "responsible_unit": pgettext_lazy("audit detail", "Responsible unit"),
    "region": pgettext_lazy("audit detail", "Region"),
    "district": pgettext_lazy("audit detail", "District"),
    "handling_region": pgettext_lazy("audit detail", "Responsible region"),
    "deadline": pgettext_lazy("audit detail", "Deadline"),
    "requested": pgettext_lazy("audit detail", "Requested"),
    "until": pgettext_lazy("audit detail", "Until"),
    "category": pgettext_lazy("audit detail", "Category"),
    "source": pgettext_lazy("audit detail", "Source"),
    "name": pgettext_lazy("audit detail", "Name"),
    "kind": pgettext_lazy("audit detail", "Kind"),
    "changes": pgettext_lazy("audit detail", "Changes"),
    "note": pgettext_lazy("audit detail", "Note"),
    "date": pgettext_lazy("audit detail", "Date"),
    "year": pgettext_lazy("audit detail", "Year"),
    "duplicate_of": pgettext_lazy("audit detail", "Duplicate of"),
    "recurrence_of": pgettext_lazy("audit detail", "Recurrence of"),
    "photo": pgettext_lazy("audit detail", "Photo"),
    "photos": pgettext_lazy("audit detail", "Photos"),
    "flags": pgettext_lazy("audit detail", "Flags"),
    "active": pgettext_lazy("audit detail", "Active"),
    "items": pgettext_lazy("audit detail", "Items"),
    "indicators": pgettext_lazy("audit detail", "Indicators"),
    "standards": pgettext_lazy("audit detail", "Standards"),
    "negative": pgettext_lazy("audit detail", "Negative list entries"),
    "point_types": pgettext_lazy("audit detail", "Point types"),
    "checklist": pgettext_lazy("audit detail", "Checklist lines"),
    "points": pgettext_lazy("audit detail", "Points"),
    "replaced": pgettext_lazy("audit detail", "Replaced"),
    "created": pgettext_lazy("audit detail", "Created"),
    "updated": pgettext_lazy("audit detail", "Updated"),
    "before": pgettext_lazy("audit detail", "Before"),
    "after": pgettext_lazy("audit detail", "After"),
    "title": pgettext_lazy("audit detail", "Title"),
    "reason": pgettext_lazy("audit detail", "Reason"),
    "scale": pgettext_lazy("audit detail", "Scale"),
    "reset": pgettext_lazy("audit detail", "Data removed first"),
}
_UNIT_KEYS = frozenset({"unit", "units", "co_units", "responsible_unit"})
_REGION_KEYS = frozenset({"region", "district", "street", "handling_region"})


def register_activity(
    *,
    labels: dict | None = None,
    prefix: str = "",
    prefix_label: Callable[[str], object | None] | None = None,
    target_type: str = "",
    describe: Callable[[list[str]], dict] | None = None,
    values: dict[str, Callable[[object], str | None]] | None = None,
    keys: dict | None = None,
) -> None:
    """Say how an app's audit entries read.

    `labels`: {action: label}. `prefix` + `prefix_label(rest)`: a label for every action that
    starts with `prefix`. `target_type` + `describe(ids) -> {id: (text, url)}`: how the app's
    targets are named (one query for a page's ids). `values`: {detail key: format(value)} for
    the details of actions starting with `prefix` (None leaves the detail out). `keys`:
    {detail key: label} for the same details (an app's "score" is not another app's).
    """
    _LABELS.update(labels or {})
    if prefix and prefix_label is not None:
        _PREFIX_LABELS.append((prefix, prefix_label))
    if target_type and describe is not None:
        _TARGETS[target_type] = describe
    for key, format_value in (values or {}).items():
        _VALUES.append((prefix, key, format_value))
    for key, label in (keys or {}).items():
        _KEY_LABELS.append((prefix, key, label))
    _detail_rules.cache_clear()


def choice_label(choices) -> Callable[[object], str]:
    """A detail formatter for a model's choices: the label of a stored value (or of each value
    of a list), the value itself when it is not one of them (an older code, an empty status)."""
    labels = dict(choices.choices)

    def format_value(value) -> str:
        if isinstance(value, list):
            return ", ".join(format_value(item) for item in value)
        return str(labels.get(value, value)) if isinstance(value, str | int) else plain(value)

    return format_value


def omitted(value) -> None:
    """A detail formatter for what means nothing to a reader: a database id the row's target
    already names, an internal code. The entry keeps it; the page leaves it out."""
    return None


def field_names(*models) -> Callable[[object], str]:
    """A detail formatter for a list of field names (what a change touched): their verbose
    names."""

    def format_value(value) -> str:
        names = value if isinstance(value, list) else [value]
        return ", ".join(field_label(models, str(name)) for name in names)

    return format_value


def model_keys(*models) -> dict:
    """{field name: verbose name} of the models' fields: the `keys` of details that copy a
    row's fields (a "before"/"after" of a settings row reads with the form's words)."""
    return {
        field.name: field.verbose_name
        for model in reversed(models)
        for field in model._meta.get_fields()
        if hasattr(field, "verbose_name")
    }


def field_changes(*models) -> Callable[[object], str]:
    """A detail formatter for {field: [before, after]}: "Name: old → new; …"."""

    def format_value(value) -> str:
        if not isinstance(value, dict):
            return plain(value)
        return pairs_text((field_label(models, k), _change(v)) for k, v in value.items())

    return format_value


def _change(change) -> str:
    if isinstance(change, list) and len(change) == 2:
        before, after = (plain(v) if v not in (None, "", []) else "—" for v in change)
        return f"{before} → {after}"
    return plain(change)


def field_label(models, name: str) -> str:
    """The verbose name of the first of `models` with a field `name` (the name if none has)."""
    for model in models:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return name


def pairs_text(pairs) -> str:
    """(label, value) pairs as one line, "Label: value; …", punctuated for the reader's language
    (full-width in Chinese)."""
    colon = pgettext("label separator", ": ")
    return pgettext("list separator", "; ").join(f"{label}{colon}{value}" for label, value in pairs)


def can_read(person) -> bool:
    return getattr(person, "role", None) in READERS


def require_reader(person) -> None:
    if not can_read(person):
        raise NotAllowed(_("Only the Civilization Office and leaders may read the activity log."))


# --- labels -------------------------------------------------------------------------------------


def action_label(action: str) -> str:
    """The readable, translated label of an action code (the code itself if nothing fits)."""
    label = registered_label(action)
    if label is not None:
        return label
    head, _dot, verb = action.rpartition(".")
    if verb in _VERBS and head:
        return _("%(object)s — %(verb)s") % {"object": _object_name(head), "verb": _VERBS[verb]}
    return action


def registered_label(action: str) -> str | None:
    """The label an app gave the action, or None (then only the verb fallback names it)."""
    if action in _LABELS:
        return str(_LABELS[action])
    for prefix, label in _PREFIX_LABELS:
        if action.startswith(prefix):
            found = label(action[len(prefix) :])
            if found:
                return str(found)
    return None


def _object_name(head: str) -> str:
    """“standards.system” / “region” / “point_type” → a model's or app's verbose name."""
    parts = head.split(".")
    for app_label, model_name in ((parts[0], parts[-1]), ("", parts[-1])):
        model = _model(app_label, model_name)
        if model is not None:
            return str(model._meta.verbose_name)
    try:
        return str(apps.get_app_config(parts[0]).verbose_name)
    except LookupError:
        return head


@lru_cache(maxsize=256)
def _model(app_label: str, model_name: str):
    name = model_name.replace("_", "")
    for model in apps.get_models():
        if model._meta.model_name == name and (not app_label or model._meta.app_label == app_label):
            return model
    return None


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every action the log holds, by label.

    The distinct actions by a loose index scan of `audit_action_time`: one index seek per
    distinct action (a few dozen), where SELECT DISTINCT reads the whole index on PostgreSQL.
    """
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    sql = (
        f"WITH RECURSIVE t(a) AS (SELECT MIN(action) FROM {table} "  # noqa: S608
        f"UNION ALL SELECT (SELECT MIN(action) FROM {table} WHERE action > t.a) "
        "FROM t WHERE t.a IS NOT NULL) SELECT a FROM t WHERE a IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        codes = [row[0] for row in cursor.fetchall()]
    return sorted(((code, action_label(code)) for code in codes), key=lambda pair: pair[1])


# --- pages --------------------------------------------------------------------------------------


@dataclass
class ActivityFilter:
    person: object | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    cursor: int | None = None


@dataclass
class ActivityPage:
    rows: list[dict] = field(default_factory=list)
    next_cursor: int | None = None


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def activity_page(*, actor, f: ActivityFilter, limit: int | None = None) -> ActivityPage:
    """One page of the log for the filter, newest first, with the rows in words."""
    require_reader(actor)
    limit = limit or PAGE_SIZE
    qs = AuditEntry.objects.all()
    if f.person is not None:
        qs = qs.filter(actor_id=f.person.pk)
    if f.action:
        qs = qs.filter(action=f.action)
    if f.date_from:
        qs = qs.filter(created_at__gte=_start(f.date_from))
    if f.date_to:
        qs = qs.filter(created_at__lt=_start(f.date_to + timedelta(days=1)))
    if f.cursor is not None:
        at = AuditEntry.objects.filter(seq=f.cursor).values_list("created_at", flat=True).first()
        if at is None:
            raise InvalidInput(_("That page of the log no longer exists; start again."))
        # Rows after (at, seq) in (created_at DESC, seq DESC) order; the first condition is the
        # index range, the second orders the entries of the same instant.
        qs = qs.filter(Q(created_at__lt=at) | Q(seq__lt=f.cursor), created_at__lte=at)
    entries = list(
        qs.order_by("-created_at", "-seq").values(
            "seq",
            "created_at",
            "actor_id",
            "actor_name",
            "action",
            "target_type",
            "target_id",
            "data",
            "ip",
        )[: limit + 1]
    )
    more = len(entries) > limit
    entries = entries[:limit]
    return ActivityPage(
        rows=activity_rows(entries),
        next_cursor=entries[-1]["seq"] if more and entries else None,
    )


def activity_rows(entries: list[dict]) -> list[dict]:
    """The entries in words: actor names, action labels, targets by name or code, details."""
    people = (
        get_user_model()
        .objects.filter(pk__in={e["actor_id"] for e in entries if e["actor_id"]})
        .only("pk", "username", "display_name")
        .in_bulk()
    )
    targets = _describe_targets(entries)
    rows = []
    for entry in entries:
        person = people.get(entry["actor_id"])
        data = entry["data"] if isinstance(entry["data"], dict) else {}
        text, url = _target_text(entry, data, targets)
        rows.append(
            {
                "seq": entry["seq"],
                "at": entry["created_at"],
                "actor": str(person) if person is not None else entry["actor_name"],
                "username": entry["actor_name"],
                "action": entry["action"],
                "action_label": action_label(entry["action"]),
                "target": text,
                "target_url": url,
                # The code is already the target's name; do not say it twice.
                "details": details(
                    entry["action"],
                    {k: v for k, v in data.items() if not (k == "code" and str(v) == text)}
                    if data
                    else entry["data"],
                ),
                "ip": entry["ip"],
            }
        )
    return rows


def _target_text(entry: dict, data: dict, targets: dict) -> tuple[str, str | None]:
    """The target by name (or code), else the code the entry kept, else its kind and id."""
    found = targets.get((entry["target_type"], entry["target_id"]))
    if found is not None:
        return found
    if data.get("code"):  # a target since deleted, or an entry without a target row
        return str(data["code"]), None
    if entry["target_type"]:
        try:
            kind = str(apps.get_model(entry["target_type"])._meta.verbose_name)
        except (LookupError, ValueError):
            kind = entry["target_type"]
        return f"{kind} #{entry['target_id']}", None
    return "", None


def _describe_targets(entries) -> dict:
    """{(type, id): (text, url)}: one query per registered target type on the page."""
    by_type: dict[str, set[str]] = {}
    for entry in entries:
        if entry["target_type"] and entry["target_id"]:
            by_type.setdefault(entry["target_type"], set()).add(entry["target_id"])
    found = {}
    for target_type, ids in by_type.items():
        describe = _TARGETS.get(target_type) or describe_by_str(target_type)
        for pk, described in describe(sorted(ids)).items():
            found[(target_type, str(pk))] = described
    return found


def describe_by_str(target_type: str, *related: str, url: Callable | None = None):
    """Targets named by their own name (str), absent if gone: what a target nobody registered
    reads as. An app passes the rows its `__str__` reads (`related`), so a page of entries
    costs one query, not one a row, and `url(obj)` to link each to its page."""

    def describe(ids):
        try:
            model = apps.get_model(target_type)
        except (LookupError, ValueError):
            return {}
        keys = []
        for pk in ids:
            try:
                keys.append(model._meta.pk.to_python(pk))
            except ValidationError:
                continue
        objects = model._default_manager.select_related(*related).in_bulk(keys)
        return {
            str(pk): (str(obj), url(obj) if url is not None else None)
            for pk, obj in objects.items()
        }

    return describe


# --- details ------------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _detail_rules(action: str) -> tuple[dict, dict]:
    """({key: format}, {key: label}) for an action's details: the kernel's, then its app's."""
    formats = {key: fmt for prefix, key, fmt in _VALUES if action.startswith(prefix)}
    names = dict(_KEYS)
    names.update((key, label) for prefix, key, label in _KEY_LABELS if action.startswith(prefix))
    return formats, names


def details(action: str, data) -> list[tuple[str, str]]:
    """(label, value) pairs of an entry's details, with names instead of codes."""
    if not isinstance(data, dict):
        return [("", str(data))] if data else []
    formats, names = _detail_rules(action)
    pairs = []
    for key, value in data.items():
        if value in (None, "", [], {}):
            continue
        fmt = formats.get(key)
        if fmt is not None:
            text = fmt(value)
            if text is None:  # the app says this detail means nothing to a reader
                continue
        elif key in _UNIT_KEYS:
            text = _names(value, unit_name)
        elif key in _REGION_KEYS:
            text = _names(value, region_name)
        else:
            text = plain(value, names)
        pairs.append((str(names.get(key, key)), text))
    return pairs


def plain(value, names: dict | None = None) -> str:
    """A detail value as text: yes/no, lists joined, "before → after" changes; the keys of a
    nested dict by `names` (the kernel's detail labels by default)."""
    names = _KEYS if names is None else names
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(plain(item, names) for item in value)
    if isinstance(value, dict):
        if set(value) <= {"old", "new", "before", "after", "from", "to"} and len(value) == 2:
            old = value.get("old", value.get("before", value.get("from")))
            new = value.get("new", value.get("after", value.get("to")))
            return f"{plain(old, names) if old not in (None, '') else '—'} → {plain(new, names)}"
        return pairs_text((names.get(k, k), plain(v, names)) for k, v in value.items())
    if value is None:
        return "—"
    return str(value)


def _names(value, name: Callable[[object], str]) -> str:
    if isinstance(value, list):
        return ", ".join(name(item) for item in value)
    return name(value)


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _display(row) -> str:
    return (row.name_en or row.name) if _english() else row.name


def unit_name(code) -> str:
    """A unit's name in the reader's language from its code or id (the code if unknown)."""
    from wenming.org.selectors import UNITS

    unit = UNITS.by_key(str(code)) if code is not None else None
    if unit is None and str(code).isdigit():
        unit = UNITS.by_id(int(code))
    return _display(unit) if unit is not None else str(code)


def region_name(code) -> str:
    """A region's name in the reader's language from its code or id (the code if unknown)."""
    from wenming.org.selectors import REGIONS

    region = REGIONS.by_key(str(code)) if code is not None else None
    if region is None and isinstance(code, int):
        region = REGIONS.by_id(code)
    return _display(region) if region is not None else str(code)
