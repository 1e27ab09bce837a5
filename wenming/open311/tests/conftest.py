"""Fixtures of the Open311 tests: public categories, a partner app's key, a service with
attributes, and rate-limit counters of their own (the cache is shared with other test
processes, so it is never cleared)."""

import uuid

import pytest

from wenming.open311.keys import api_key_issue
from wenming.open311.models import ServiceAttribute
from wenming.testing.storage import isolate_media


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    isolate_media(settings, tmp_path)
    settings.PUBLIC_RATE_KEY_PREFIX = f"public:rate:test-{uuid.uuid4().hex}"
    yield


@pytest.fixture
def public_cats(cast):
    from wenming.public.testing import ensure_public_categories

    return ensure_public_categories()


@pytest.fixture
def partner_key(cast):
    """The secret of an active key for the partner app "随手拍"."""
    _key, raw = api_key_issue(actor=cast.office, name="随手拍")
    return raw


@pytest.fixture
def asking(public_cats):
    """The first public category asks two questions: a required list and a free number."""
    category = public_cats[0]
    ServiceAttribute.objects.create(
        category=category,
        code="size",
        datatype="singlevaluelist",
        required=True,
        description="How big is it?",
        order=1,
        values=[{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}],
    )
    ServiceAttribute.objects.create(
        category=category,
        code="count",
        datatype="number",
        required=False,
        description="How many?",
        order=2,
    )
    return category
