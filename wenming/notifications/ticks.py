"""The notifications' share of `wenming tick` (core/ticks.py): send the deliveries that are due.

Registered last (`order=90`), so the notices the other ticks have just made go out in the same run.
"""

from datetime import datetime


def deliveries_tick(*, now: datetime) -> dict:
    from .services import deliveries_retry_due

    return deliveries_retry_due(now=now)


deliveries_tick.tick_name = "deliveries"
