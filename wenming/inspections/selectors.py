"""Every read of the inspections app a user sees, narrowed to the reader's scope."""

from django.db.models import QuerySet

from wenming.core.scope import scope_queryset

from .models import Round, Visit


def rounds_visible(*, actor) -> QuerySet:
    """Office and leaders: every round; inspectors: rounds with a visit of theirs; region and
    unit officers: rounds with a visit in their subtree or to a point of their unit."""
    return scope_queryset(Round.objects.all(), actor)


def visits_visible(*, actor, round_=None, mine: bool = False) -> QuerySet:
    """Visits in the actor's scope (see `Visit.SCOPE`); `mine` narrows to their own team."""
    qs = scope_queryset(Visit.objects.all(), actor)
    if round_ is not None:
        qs = qs.filter(round=round_)
    if mine:
        qs = qs.filter(team=actor)
    return qs.select_related("point", "point_type", "round", "region")
