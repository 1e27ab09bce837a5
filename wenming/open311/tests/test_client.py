"""An Open311 client written from the GeoReport v2 specification alone, as a partner's
developer would: it knows the URLs, the field names and the two formats, parses with `json`
and `xml.etree` only, and never imports Wenming (issue 13, "done when").
"""

import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from wenming.public.testing import HERE

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"


class SpecClient:
    """GeoReport v2 through HTTP: each method returns what the specification says it
    returns, as plain dicts and lists, whatever the format."""

    def __init__(self, fmt: str, api_key: str):
        self.http = Client()
        self.fmt = fmt
        self.api_key = api_key

    def _parse(self, response, list_tag=None):
        assert response["Content-Type"].startswith(
            "application/json" if self.fmt == "json" else "text/xml"
        )
        text = response.content.decode("utf-8")
        if self.fmt == "json":
            return json.loads(text)
        assert text.startswith("<?xml")
        root = ET.fromstring(response.content)
        if list_tag:
            return [{child.tag: child for child in item} for item in root.findall(list_tag)]
        return root

    def discovery(self):
        response = self.http.get(f"/open311/discovery.{self.fmt}")
        assert response.status_code == 200
        parsed = self._parse(response)
        if self.fmt == "json":
            return [e["url"] for e in parsed["endpoints"]], parsed["endpoints"][0]["formats"]
        urls = [e.findtext("url") for e in parsed.iter("endpoint")]
        return urls, [f.text for f in parsed.iter("format")]

    def services(self) -> list[dict]:
        response = self.http.get(f"{BASE}services.{self.fmt}")
        assert response.status_code == 200
        if self.fmt == "json":
            return self._parse(response)
        rows = self._parse(response, "service")
        return [
            {
                "service_code": r["service_code"].text,
                "service_name": r["service_name"].text,
                "metadata": r["metadata"].text == "true",
                "type": r["type"].text,
            }
            for r in rows
        ]

    def definition(self, code: str) -> list[dict]:
        response = self.http.get(f"{BASE}services/{code}.{self.fmt}")
        assert response.status_code == 200
        parsed = self._parse(response)
        if self.fmt == "json":
            assert parsed["service_code"] == code
            return parsed["attributes"]
        assert parsed.tag == "service_definition"
        assert parsed.findtext("service_code") == code
        return [
            {
                "code": a.findtext("code"),
                "datatype": a.findtext("datatype"),
                "required": a.findtext("required") == "true",
                "order": int(a.findtext("order")),
                "values": [
                    {"key": v.findtext("key"), "name": v.findtext("name")} for v in a.iter("value")
                ],
            }
            for a in parsed.iter("attribute")
        ]

    def post(self, **fields) -> dict:
        response = self.http.post(f"{BASE}requests.{self.fmt}", {"api_key": self.api_key, **fields})
        assert response.status_code in (200, 201), response.content
        if self.fmt == "json":
            return self._parse(response)[0]
        (row,) = self._parse(response, "request")
        return {tag: node.text for tag, node in row.items()}

    def get_request(self, service_request_id: str, **params) -> dict:
        response = self.http.get(f"{BASE}requests/{service_request_id}.{self.fmt}", params)
        assert response.status_code == 200
        if self.fmt == "json":
            (row,) = self._parse(response)
            return row
        (row,) = self._parse(response, "request")
        return {tag: node.text for tag, node in row.items()}

    def list_requests(self, **params) -> list[dict]:
        response = self.http.get(f"{BASE}requests.{self.fmt}", params)
        assert response.status_code == 200
        if self.fmt == "json":
            return self._parse(response)
        return [
            {tag: node.text for tag, node in row.items()}
            for row in self._parse(response, "request")
        ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_client_lists_services_reads_a_definition_posts_and_reads_back(
    fmt, cast, asking, partner_key
):
    client = SpecClient(fmt, partner_key)
    urls, formats = client.discovery()
    assert urls[0].endswith("/open311/v2") and "text/xml" in formats

    services = client.services()
    by_code = {s["service_code"]: s for s in services}
    assert by_code[asking.code]["metadata"] is True
    assert all(s["type"] == "realtime" and s["service_name"] for s in services)
    assert any(s["metadata"] is False for s in services)

    attributes = client.definition(asking.code)
    assert [a["code"] for a in attributes] == ["size", "count"]
    size = attributes[0]
    assert size["datatype"] == "singlevaluelist" and size["required"] is True
    assert [v["key"] for v in size["values"]] == ["small", "large"]

    created = client.post(
        service_code=asking.code,
        lat=str(HERE[0]),
        long=str(HERE[1]),
        description="路灯不亮了",
        email="li@example.com",
        first_name="Li",
        last_name="Na",
        phone="13900000002",
        media_url="https://partner.example.com/photos/1.jpg",
        account_id="acct-77",
        **{"attribute[size]": "large", "attribute[count]": "3"},
    )
    request_id = created["service_request_id"]
    assert request_id and created["service_notice"]
    assert created["account_id"] == "acct-77"

    # Anyone reads the service's name as its description, never the citizen's words ...
    public = client.get_request(request_id)
    assert public["description"] == public["service_name"] == asking.name
    # ... the app that posted it reads them back with its key.
    back = client.get_request(request_id, api_key=partner_key)
    assert back["service_request_id"] == request_id
    assert back["service_code"] == asking.code
    assert back["status"] == "open"
    assert back["description"].startswith("路灯不亮了")
    # The office reads the answers by their names, not the partner's keys.
    assert "How big is it?: Large" in back["description"] and ": large" not in back["description"]
    assert back["media_url"] == "https://partner.example.com/photos/1.jpg"
    assert back["agency_responsible"] and back["status_notes"]
    for stamp in ("requested_datetime", "updated_datetime"):
        assert back[stamp][-6] in "+-" and "T" in back[stamp]  # W3C, with the offset
    assert abs(float(back["lat"]) - HERE[0]) < 0.001
    assert abs(float(back["long"]) - HERE[1]) < 0.001
    # What a third party may never read back: the reporter.
    text = json.dumps(back, ensure_ascii=False)
    for secret in ("li@example.com", "13900000002", "Na"):
        assert secret not in text

    listed = client.list_requests(service_code=asking.code, status="open")
    assert request_id in [r["service_request_id"] for r in listed]
