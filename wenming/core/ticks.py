"""Periodic work run by `wenming tick` (cron, every few minutes; every run is idempotent).

Apps register a function in their `AppConfig.ready()`:

    register_tick(problems_tick)              # def problems_tick(*, now) -> dict[str, int]
    register_tick(deliveries_tick, order=90)  # after the ticks that make new notices

`run_ticks` calls each with the same `now`, lowest `order` first (then in registration order),
and collects what it reports (a dict of counts; an int, a string or None are accepted too).
One failing function does not stop the others. The registry lives in core so that any app can
add to it without importing another app.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from .refcache import batch

logger = logging.getLogger(__name__)

TickFunction = Callable[..., object]
_TICKS: list[tuple[int, TickFunction]] = []


def register_tick(func: TickFunction, *, order: int = 50) -> TickFunction:
    """Add `func(*, now)` to what `wenming tick` runs (registering twice is harmless)."""
    if all(existing is not func for _order, existing in _TICKS):
        _TICKS.append((order, func))
    return func


def registered_ticks() -> list[TickFunction]:
    return [func for _order, func in sorted(_TICKS, key=lambda entry: entry[0])]


def tick_name(func: TickFunction) -> str:
    return getattr(func, "tick_name", None) or func.__name__


@dataclass
class TickReport:
    results: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        parts = []
        for name, result in self.results.items():
            if isinstance(result, dict):
                counts = " ".join(f"{k}={v}" for k, v in result.items())
                parts.append(f"{name}: {counts}" if counts else name)
            elif result is None:
                parts.append(f"{name}: ok")
            else:
                parts.append(f"{name}: {result}")
        parts += [f"{name}: ERROR {error}" for name, error in self.errors.items()]
        return "; ".join(parts)


def run_ticks(*, now: datetime | None = None) -> TickReport:
    """Run every registered tick with the same `now`; a failure is reported, not raised."""
    now = now or timezone.now()
    report = TickReport()
    for func in registered_ticks():
        name = tick_name(func)
        try:
            # One version check of the reference rows per tick, not one per deadline counted.
            with batch():
                report.results[name] = func(now=now)
        except Exception as exc:
            logger.exception("tick %s failed", name)
            report.errors[name] = f"{type(exc).__name__}: {exc}"[:300]
    return report
