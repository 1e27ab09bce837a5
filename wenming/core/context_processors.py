from django.conf import settings

from .home import nav_for


def shell(request):
    """What the base layout needs on every page: navigation and the language switch."""
    user = getattr(request, "user", None)
    nav = nav_for(request) if user is not None and user.is_authenticated else []
    return {
        "nav_items": nav,
        "languages": settings.LANGUAGES,
        "demo_mode": settings.DEMO_MODE,
    }
