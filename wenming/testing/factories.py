"""factory-boy factories shared by every app's tests."""

import functools

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password

from wenming.org.models import LEVEL_OF_KIND, Person, Region, RegionKind, Unit
from wenming.org.roles import Role
from wenming.org.services import region_path


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{210300 + n}")
    name = factory.Sequence(lambda n: f"区域{n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")
    kind = RegionKind.DISTRICT
    level = factory.LazyAttribute(lambda o: LEVEL_OF_KIND[o.kind])
    parent = None
    path = factory.LazyAttribute(lambda o: region_path(code=o.code, parent=o.parent))
    center_lat = 38.9
    center_lon = 121.6


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"单位{n}")
    name_en = factory.Sequence(lambda n: f"Unit {n}")


def demo_password_hash() -> str:
    """The demo password hashed once per process and hasher: argon2 is slow on purpose, tests
    need speed. Keyed by the preferred hasher, because some tests switch to a fast one and a
    hash made then cannot be checked once the setting is back."""
    return _hash_with(settings.PASSWORD_HASHERS[0])


@functools.cache
def _hash_with(hasher: str) -> str:
    return make_password(settings.WENMING_DEMO_PASSWORD)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    role = Role.OFFICE_ADMIN
    # A real argon2 hash of the demo password, so signing in through the form works.
    password = factory.LazyFunction(demo_password_hash)
