"""The demo city: each app contributes a `demo.load(scale=..., stdout=...)`, run in this order."""

from importlib import import_module

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import NotAllowed
from .refcache import batch, invalidate

DEMO_APPS = [
    "wenming.org",
    "wenming.standards",
    "wenming.points",
    "wenming.problems",
    "wenming.inspections",
    "wenming.public",
    "wenming.open311",
    "wenming.surveys",
    "wenming.plans",
    "wenming.plans.oversight",
    "wenming.materials",
    "wenming.creation",
    "wenming.notifications",
    "wenming.scoring",
    "wenming.dashboards",
]
SCALES = ("small", "city", "city-year")


def demo_modules():
    modules = []
    for app in DEMO_APPS:
        try:
            modules.append(import_module(f"{app}.demo"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
    return modules


def demo_load(*, scale: str = "small", stdout=None) -> None:
    """Load the whole demo city (demo mode only), app after app."""
    if not settings.DEMO_MODE:
        raise NotAllowed(_("Demo data cannot be loaded in production."))
    if scale not in SCALES:
        raise ValueError(scale)
    # The demo writes reference rows in bulk (not through the services that drop the copies).
    with batch():
        for module in demo_modules():
            module.load(scale=scale, stdout=stdout)
            invalidate()


def demo_reset(*, stdout=None) -> None:
    """Remove demo data, newest app first."""
    if not settings.DEMO_MODE:
        raise NotAllowed(_("Demo data cannot be removed in production."))
    for module in reversed(demo_modules()):
        module.reset(stdout=stdout)
    invalidate()
