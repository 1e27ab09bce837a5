from .office import (
    briefing,
    exposure_publish,
    exposure_withdraw,
    exposures,
    public_board,
    public_photo,
)
from .pages import bigscreen, data, district, map_page, overview, unit

__all__ = [
    "bigscreen",
    "briefing",
    "data",
    "district",
    "exposure_publish",
    "exposure_withdraw",
    "exposures",
    "map_page",
    "overview",
    "public_board",
    "public_photo",
    "unit",
]
