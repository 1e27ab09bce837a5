"""How the ledger's audit entries read on the activity page (core/activity.py asks)."""

from django.urls import reverse
from django.utils.translation import get_language, ngettext, pgettext_lazy

from wenming.core.activity import model_keys, register_activity

from .models import (
    Category,
    EventKind,
    LedgerConfig,
    PhotoKind,
    Problem,
    RoutingRule,
    Source,
    Status,
)
from .reference import CATEGORIES
from .routing import note_text

# The office's settings of the ledger (`services.office`); a problem's own steps read as its
# timeline does (`EventKind`).
LABELS = {
    "problem_category.create": pgettext_lazy("audit action", "Problem category added"),
    "problem_category.update": pgettext_lazy("audit action", "Problem category changed"),
    "routing_rule.create": pgettext_lazy("audit action", "Routing rule added"),
    "routing_rule.update": pgettext_lazy("audit action", "Routing rule changed"),
    "routing_rule.delete": pgettext_lazy("audit action", "Routing rule deleted"),
    "ledger_config.update": pgettext_lazy("audit action", "Ledger settings changed"),
}

# Choices' `.values` builds a list at each call; a page asks for every row.
_EVENTS, _STATUSES = frozenset(EventKind.values), frozenset(Status.values)
_SOURCES, _PHOTO_KINDS = frozenset(Source.values), frozenset(PhotoKind.values)


def _event_label(kind: str):
    # `problem.<kind>` repeats a timeline row; its label is the timeline's.
    return EventKind(kind).label if kind in _EVENTS else None


def _problems(ids: list[str]) -> dict:
    """Problems by code, each linked to its page (one query for a page of entries)."""
    pks = [int(pk) for pk in ids if pk.isdigit()]
    codes = dict(Problem.objects.filter(pk__in=pks).values_list("pk", "code"))
    return {str(pk): (code, reverse("problems:detail", args=[code])) for pk, code in codes.items()}


def _status(value) -> str:
    return str(Status(value).label) if value in _STATUSES else str(value)


def _source(value) -> str:
    return str(Source(value).label) if value in _SOURCES else str(value)


def category_label(value) -> str:
    """A category code in words, in the reader's language (the public app's log uses it too)."""
    category = CATEGORIES.by_key(str(value))
    if category is None:
        return str(value)
    english = (get_language() or "").startswith("en")
    return (category.name_en or category.name) if english else category.name


def _photo_kind(value) -> str:
    return str(PhotoKind(value).label) if value in _PHOTO_KINDS else str(value)


def _photo_count(value) -> str:
    # Photo ids are database ids; the count is what a reader wants (the problem page has them).
    count = len(value) if isinstance(value, list) else 1
    return ngettext("%(n)d photo", "%(n)d photos", count) % {"n": count}


def register() -> None:
    register_activity(
        prefix="problem.",
        prefix_label=_event_label,
        target_type="problems.problem",
        describe=_problems,
        values={
            "from": _status,
            "to": _status,
            "source": _source,
            "category": category_label,
            "kind": _photo_kind,
            "photo": lambda value: None,  # a database id; "Photo added" says it all
            "photos": _photo_count,
            "system_note": lambda value: note_text(value) if isinstance(value, dict) else None,
        },
        keys={"system_note": pgettext_lazy("audit detail", "Note")},
    )
    register_activity(labels=LABELS)
    # A settings change keeps the changed fields, by their names.
    register_activity(prefix="problem_category.", keys=model_keys(Category))
    register_activity(prefix="routing_rule.", keys=model_keys(RoutingRule))
    register_activity(prefix="ledger_config.", keys=model_keys(LedgerConfig))
