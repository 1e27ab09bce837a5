"""JSON API endpoints of the notifications app."""

from ninja import Router

router = Router(tags=["notifications"])
