"""The predicted score and what to fix first are computed from the whole ledger (about a
second each at the demo's scale), so a page view keeps them in the configured cache: under a
key made of the newest row of every input (a handful of indexed MAX(id) reads), so any change
to an input makes a new key at once, and a short TTL bounds a key that an input we cannot see
cheaply (an edit in place) leaves unchanged. A week's ranking is stored by the worker instead
(weeks.py), noting the same inputs' key (`inputs_key`) to know when to compute it again."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models import Max
from django.utils import translation

# Seconds a result lives at most: an edit in place that moves no id is seen after this.
TTL = 120


def _inputs() -> list:
    """The newest id of each input table (and the newest snapshot computation)."""
    from wenming.inspections.models import InspectionEvent
    from wenming.problems.models import ProblemEvent

    from .models import ScoringEvent, Snapshot

    marks = [
        ProblemEvent.objects.aggregate(m=Max("pk"))["m"],
        InspectionEvent.objects.aggregate(m=Max("pk"))["m"],
        ScoringEvent.objects.aggregate(m=Max("pk"))["m"],
        Snapshot.objects.aggregate(m=Max("pk"), at=Max("computed_at")),
    ]
    for module, name in (
        ("wenming.materials.models", "MaterialEvent"),
        ("wenming.surveys.models", "Response"),
        ("wenming.surveys.models", "SurveyEvent"),
        ("wenming.plans.models", "TaskEvent"),
    ):
        try:
            model = getattr(__import__(module, fromlist=[name]), name)
        except (ImportError, AttributeError):
            continue
        marks.append(model.objects.aggregate(m=Max("pk"))["m"])
    return marks


def inputs_key() -> str:
    """The inputs now, as one short key (a stored week's ranking notes the one it was made
    from; weeks.py)."""
    return hashlib.sha256(repr(_inputs()).encode()).hexdigest()[:32]


def key_for(name: str, *parts) -> str:
    """The cache key of `name` for these parts, the reader's language and the inputs now."""
    text = repr((parts, translation.get_language(), _inputs()))
    return f"scoring:{name}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def cached(name: str, parts: tuple, compute):
    """`compute()` from the cache when its inputs have not moved, else computed and stored."""
    key = key_for(name, *parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TTL)
    return value
