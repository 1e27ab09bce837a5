"""favicon.ico exists: browsers ask for /favicon.ico by that name, and every page links the icon."""

from io import BytesIO

import pytest
from PIL import Image

from wenming.testing.personas import build_cast

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_a_real_icon_without_signing_in(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 302
    assert answer["Location"].endswith("core/favicon.ico")
    assert "max-age=86400" in answer["Cache-Control"]
    icon = client.get(answer["Location"])
    assert icon.status_code == 200
    body = b"".join(icon.streaming_content) if icon.streaming else icon.content
    assert body[:4] == b"\x00\x00\x01\x00"  # the ICO header: reserved 0, type 1 (icon)
    assert {(16, 16), (32, 32)} <= Image.open(BytesIO(body)).info["sizes"]


def test_pages_link_the_icon(client):
    cast = build_cast()
    assert '<link rel="icon" href="/static/core/favicon.ico"' in client.get("/login/").text
    client.force_login(cast.office)
    assert '<link rel="icon" href="/static/core/favicon.ico"' in client.get("/").text
