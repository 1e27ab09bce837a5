"""The demo's partner app: its published key works, three services ask questions, a dozen
requests arrive as citizen reports through the real service, and reset removes it all."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from wenming.open311 import demo
from wenming.open311.keys import DEMO_KEY, api_key_find
from wenming.open311.models import ApiKey, Open311Request, ServiceAttribute
from wenming.public.models import CitizenReport

pytestmark = pytest.mark.django_db


def test_the_demo_partner_app(cast, public_cats):
    demo.load(scale="small")
    demo.load(scale="small")  # a second load adds requests but no second key or attribute
    assert api_key_find(DEMO_KEY).is_demo
    assert ApiKey.objects.count() == 1
    assert ServiceAttribute.objects.filter(is_demo=True).count() == 9
    assert Open311Request.objects.filter(is_demo=True).count() == 2 * demo.REQUESTS
    reports = CitizenReport.objects.filter(channel="open311")
    assert reports.count() == 2 * demo.REQUESTS and all(r.is_demo for r in reports)
    listed = json.loads(Client().get("/open311/v2/requests.json").content)
    assert len(listed) == 2 * demo.REQUESTS
    out = io.StringIO()
    call_command("open311", "demo-key", stdout=out)
    assert DEMO_KEY in out.getvalue()
    demo.reset()
    assert not ApiKey.objects.exists() and not ServiceAttribute.objects.exists()
    assert not Open311Request.objects.exists()
