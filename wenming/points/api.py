"""JSON API endpoints of the points app."""

from ninja import Router

router = Router(tags=["points"])
