"""JSON API endpoints of the problems app."""

from ninja import Router

router = Router(tags=["problems"])
