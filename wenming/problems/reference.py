"""The problem categories, cached per process like regions and units (core/refcache.py).

Every report names its category; the office edits the list a few times a year (through the
admin, so other processes see an edit within a minute).
"""

from wenming.core.refcache import ReferenceCache

from .models import Category

CATEGORIES = ReferenceCache(lambda: Category.objects.all())
