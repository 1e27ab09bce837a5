"""The map component's template helpers: the configured tile server and the display datum."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def map_tiles() -> dict:
    """The tile server every map draws from (settings.MAP_TILE_*)."""
    return {
        "url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "gcj02": "1" if settings.MAP_TILES_GCJ02 else "",
    }


@register.simple_tag
def map_display(lat, lon):
    """(lat, lon) in the tile server's datum for a stored WGS-84 place, or None without one."""
    if lat in (None, "") or lon in (None, ""):
        return None
    # The transform is pure arithmetic kept with the points registry, which first needed it.
    from wenming.points.geo import for_display

    return for_display(float(lat), float(lon), gcj02=settings.MAP_TILES_GCJ02)
