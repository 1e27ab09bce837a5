"""The problem categories, kept like regions and units (core/refcache.py).

Every report names its category; the office edits the list a few times a year, through the
services (`category_create`, `category_update`), which drop every app server's copy at once.
"""

from wenming.core.refcache import Reference, ReferenceCache
from wenming.core.scope import scope_allows

from .models import Category

CATEGORIES = ReferenceCache(lambda: Category.objects.all())
_BY_ORDER = Reference(
    lambda: sorted(CATEGORIES.all(), key=lambda category: (category.sort_order, category.code))
)


def category_choices(*, actor, active_only: bool = False) -> list[Category]:
    """The categories `actor` may see, in the list's order (as `categories_visible`), from the
    reference copies."""
    return [
        category
        for category in _BY_ORDER.get()
        if (category.is_active or not active_only) and scope_allows(actor, category)
    ]
