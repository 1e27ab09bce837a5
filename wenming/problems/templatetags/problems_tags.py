"""Small template helpers of the ledger pages."""

from django import template
from django.conf import settings

from ..models import Status
from ..routing import event_note as note_of

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """The display label of a status code."""
    try:
        return str(Status(value).label)
    except ValueError:
        return value


@register.simple_tag
def map_point(problem) -> tuple[float, float]:
    """The problem's place in the tile server's datum (GCJ-02 for Chinese commercial tiles)."""
    from wenming.points.geo import for_display

    return for_display(problem.lat, problem.lon, gcj02=settings.MAP_TILES_GCJ02)


@register.simple_tag
def event_note(event) -> str:
    """A timeline event's note: the system's in the reader's language, a person's as written."""
    return note_of(event)
