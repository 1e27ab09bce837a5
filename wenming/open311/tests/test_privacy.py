"""What anyone may read in GET requests, whatever the problem's source: never the text people
typed (a title or description holds house numbers and instructions to the units), only the
category's public name; a partner app that names its key reads back what it posted."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from wenming.open311.keys import api_key_issue, api_key_revoke
from wenming.problems.models import Source
from wenming.problems.tests.factories import report
from wenming.public.testing import HERE

pytestmark = pytest.mark.django_db

# What the reviewer found in the demo's feed: an inspector's finding and a hotline call.
TYPED = {
    Source.INSPECTION: "督查发现：甘井子区兴华街道星海社区246号门前垃圾堆放，请按期整改并反馈",
    Source.HOTLINE: "市民反映：瓦房店市岗店镇30号院内污水外溢，请核实后回复来电人",
    Source.MEDIA: "媒体曝光：中山区天津街18号楼下占道经营，责成街道今日处理",
    Source.CITIZEN: "市民反映：沙河口区黑石礁街道9号楼2单元楼道堆物，联系电话见附件",
    Source.SELF_FOUND: "自查发现：高新园区软件园路77号围挡破损，内部督办件",
}
SECRETS = ("246号", "30号", "18号", "9号楼", "77号", "整改", "回复", "责成", "督办", "附件")


def _texts(code: str, **params) -> list[str]:
    """The description of `code` as every GET answers it (list and detail, JSON and XML)."""
    client = Client()
    texts = []
    for fmt in ("json", "xml"):
        for url, query in (
            (f"/open311/v2/requests/{code}.{fmt}", params),
            (f"/open311/v2/requests.{fmt}", {**params, "service_request_id": code}),
        ):
            response = client.get(url, query)
            assert response.status_code == 200, response.content
            if fmt == "json":
                (row,) = json.loads(response.content)
                texts.append(row["description"])
            else:
                (request,) = ET.fromstring(response.content).iter("request")
                texts.append(request.findtext("description"))
    return texts


@pytest.mark.parametrize("source", list(TYPED))
def test_the_public_feed_never_shows_the_text_people_typed(source, cast, public_cats):
    typed = TYPED[source]
    problem = report(
        cast.office, region=cast.ganjingzi_community, source=source, title=typed, description=typed
    )
    for text in _texts(problem.code):
        assert text == problem.category.name  # the category's public name (zh-Hans)
        for secret in SECRETS:
            assert secret not in text
    listed = Client().get("/open311/v2/requests.json").content.decode()
    for secret in SECRETS:
        assert secret not in listed


def test_the_public_description_is_in_the_readers_language(cast, public_cats):
    problem = report(
        cast.office,
        region=cast.zhongshan_community,
        source=Source.HOTLINE,
        description=TYPED[Source.HOTLINE],
    )
    client = Client()
    client.cookies["wenming_language"] = "en"
    (row,) = json.loads(client.get(f"/open311/v2/requests/{problem.code}.json").content)
    assert row["description"] == problem.category.name_en == row["service_name"]


def _post(key, category, description) -> str:
    fields = {
        "api_key": key,
        "service_code": category.code,
        "lat": HERE[0],
        "long": HERE[1],
        "description": description,
        "attribute[size]": "large",
    }
    response = Client().post("/open311/v2/requests.json", fields)
    assert response.status_code == 200, response.content
    return json.loads(response.content)[0]["service_request_id"]


def test_a_partner_reads_back_what_it_posted_and_nobody_else_does(
    cast, asking, partner_key, public_cats
):
    typed = "市民反映：瓦房店市岗店镇30号门口井盖缺失"
    code = _post(partner_key, asking, typed)
    # Anyone: the category's public name, as for every other source.
    assert set(_texts(code)) == {asking.name}
    # Another partner app: the same, its key gives it nothing of others' requests.
    _other, other_key = api_key_issue(actor=cast.office, name="区政务 App")
    assert set(_texts(code, api_key=other_key)) == {asking.name}
    # The app that posted it: its own text and the answers the office reads with it.
    for text in _texts(code, api_key=partner_key):
        assert text == f"{typed}\nHow big is it?: Large"
    # Its key shows nothing more of problems it did not post.
    inspected = report(
        cast.office,
        region=cast.zhongshan_community,
        source=Source.INSPECTION,
        description=TYPED[Source.INSPECTION],
    )
    assert set(_texts(inspected.code, api_key=partner_key)) == {inspected.category.name}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_get_with_a_key_that_is_not_active_is_a_403(fmt, cast, asking, partner_key):
    from wenming.open311.models import ApiKey

    code = _post(partner_key, asking, "井盖缺失")
    api_key_revoke(actor=cast.office, key_id=ApiKey.objects.get().pk)
    for key in (partner_key, "o311_not-a-real-key"):
        for url in (f"/open311/v2/requests.{fmt}", f"/open311/v2/requests/{code}.{fmt}"):
            response = Client().get(url, {"api_key": key})
            assert response.status_code == 403, url
            body = response.content.decode()
            assert "api_key" in body and "井盖" not in body
