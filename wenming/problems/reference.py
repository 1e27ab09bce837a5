"""The problem categories, kept like regions and units (core/refcache.py).

Every report names its category; the office edits the list a few times a year, through the
services (`category_create`, `category_update`), which drop every app server's copy at once.
"""

from wenming.core.refcache import ReferenceCache

from .models import Category

CATEGORIES = ReferenceCache(lambda: Category.objects.all())
