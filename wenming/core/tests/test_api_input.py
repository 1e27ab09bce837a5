"""What a client sends the API, refused at the door with a JSON 400 in the caller's language:
text no database can keep alike (NUL, a lone surrogate), a body that is not an object, a
method the path does not take (405), and pydantic's validation errors naming the field."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import translation

from wenming.core.api import api
from wenming.core.api_parser import refuse_forbidden_characters
from wenming.core.api_validation import validation_message
from wenming.core.errors import InvalidInput
from wenming.plans.models import Campaign, TaskProgress
from wenming.plans.services import tasks as task_services
from wenming.problems.models import Problem
from wenming.problems.tests.factories import report, report_payload
from wenming.standards import services as standards_services
from wenming.standards.models import EvaluationSystem, SystemKind
from wenming.standards.tests.factories import small_system

SURROGATE = "\\ud800x"  # the six characters of the escape, as sent on the wire
NUL = "a\\u0000b"


def with_text(payload: dict, field: str, escaped: str) -> str:
    """`payload` as JSON with `field` set to a string written with a raw JSON escape."""
    fields = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in payload.items() if k != field]
    return "{" + ", ".join([*fields, f'"{field}": "{escaped}"']) + "}"


def send(client, method, path, body, language=None):
    if language:
        client.client.cookies["wenming_language"] = language
    return getattr(client.client, method)(
        f"/api/v1/{path}", body, content_type="application/json", headers=client.headers
    )


def assert_refused(response, message_part):
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == "invalid"
    assert message_part in body["message"], body["message"]
    return body


# --- 1. NUL and lone surrogates ---------------------------------------------------------------


@pytest.fixture
def prerequisite(cast):
    return standards_services.system_create(
        code="MINORS-2026",
        name="未成年人",
        edition_year=2026,
        kind=SystemKind.PREREQUISITE,
        actor=None,
    )


@pytest.mark.parametrize("escaped", [SURROGATE, NUL], ids=["surrogate", "nul"])
def test_the_token_door_refuses_bad_text_without_a_login(cast, api_as, escaped):
    anonymous = api_as(None)
    body = with_text({"password": "x"}, "username", escaped)
    refused = assert_refused(send(anonymous, "post", "auth/token", body), "字段 username")
    assert refused["details"] == {"field": "username"}


@pytest.mark.parametrize("escaped", [SURROGATE, NUL], ids=["surrogate", "nul"])
@pytest.mark.parametrize("field", ["title", "description", "address"])
def test_a_report_with_bad_text_is_400_and_stores_nothing(cast, api_as, field, escaped):
    body = with_text(report_payload(), field, escaped)
    assert_refused(send(api_as(cast.office), "post", "problems", body), f"字段 {field} 含有")
    assert Problem.objects.count() == 0


@pytest.mark.parametrize("escaped", [SURROGATE, NUL], ids=["surrogate", "nul"])
def test_a_transition_note_with_bad_text_is_400(cast, api_as, escaped):
    problem = report(cast.office, region=cast.zhongshan_community)
    body = with_text({"action": "register"}, "note", escaped)
    path = f"problems/{problem.code}/transitions"
    assert_refused(send(api_as(cast.office), "post", path, body), "字段 note")
    problem.refresh_from_db()
    assert problem.status == "new"


@pytest.mark.parametrize("escaped", [SURROGATE, NUL], ids=["surrogate", "nul"])
def test_a_system_patch_with_bad_text_is_400(cast, api_as, prerequisite, escaped):
    body = with_text({}, "prerequisite", escaped)
    path = "evaluation-systems/MINORS-2026"
    assert_refused(send(api_as(cast.office), "patch", path, body), "字段 prerequisite")


def test_a_campaign_name_with_nul_is_refused_in_english_too(cast, api_as):
    small_system()
    system = EvaluationSystem.objects.get()
    payload = {
        "region": "210200",
        "system": system.code,
        "cycle_start_year": 2024,
        "cycle_end_year": 2026,
    }
    body = with_text(payload, "name", NUL)
    response = send(api_as(cast.office), "post", "campaigns", body, language="en")
    assert_refused(response, "The field name contains a character that is not allowed")
    assert not Campaign.objects.exists()


def test_nested_values_and_keys_are_checked_and_named_by_path(cast, api_as):
    office = api_as(cast.office)
    nested = json.dumps(report_payload())[:-1] + ', "co_units": ["URBAN", "\\u0000"]}'
    assert_refused(send(office, "post", "problems", nested), "字段 co_units.1")
    bad_key = json.dumps(report_payload())[:-1] + ', "ti\\ud800tle": "x"}'
    refused = assert_refused(send(office, "post", "problems", bad_key), "有字段名含有")
    assert refused["details"] == {"field": ""}
    raw_surrogate = '{"title": "\xed\xa0\x80"}'.encode("latin-1")  # UTF-8 bytes of U+D800
    assert_refused(send(office, "post", "problems", raw_surrogate), "字段 title")
    assert Problem.objects.count() == 0


def test_the_checker_walks_every_string():
    refuse_forbidden_characters({"a": [{"b": "fine", "c": ["ok", 1, None, True]}], "d": "😀"})
    with pytest.raises(InvalidInput) as value:
        refuse_forbidden_characters({"a": [{"b": "fine"}, {"c": ["ok", "x\x00"]}]})
    assert value.value.details == {"field": "a.1.c.1"}
    with pytest.raises(InvalidInput) as key:
        refuse_forbidden_characters({"a": [{"\udfff": 1}]})
    assert key.value.details == {"field": "a.0"}


def test_a_form_field_with_nul_is_refused(cast, api_as):
    campaign = Campaign.objects.create(
        name="2026",
        region=cast.city,
        system=small_system(),
        cycle_start_year=2024,
        cycle_end_year=2026,
    )
    today = datetime.date.today()
    task = task_services.task_create(
        actor=cast.office,
        campaign=campaign,
        title="保洁",
        lead_unit=cast.urban_unit,
        regions=[cast.zhongshan_street],
        start=today,
        deadline=today + datetime.timedelta(10),
    )
    response = api_as(cast.urban).post_multipart(
        f"tasks/{task.pk}/progress",
        {"percent": "10", "text": "a\x00b"},
    )
    assert_refused(response, "字段 text")
    assert not TaskProgress.objects.exists()


# --- 2. a body that is not an object ----------------------------------------------------------


@pytest.mark.parametrize("body", ["[]", '"str"', "123", "null", "true", '[{"threshold": 1}]'])
def test_a_body_that_is_not_an_object_is_400_and_changes_nothing(cast, api_as, prerequisite, body):
    path = "evaluation-systems/MINORS-2026"
    refused = send(api_as(cast.office), "patch", path, body)
    assert_refused(refused, "请求正文须为 JSON 对象")
    assert EvaluationSystem.objects.get(code="MINORS-2026").threshold == Decimal("85")
    answered = send(api_as(cast.office), "patch", path, {"threshold": 90})
    assert answered.status_code == 200 and answered.json()["threshold"] == 90.0


def test_every_json_body_the_api_takes_is_an_object():
    """The parser refuses any other body (core/api_parser.py); an endpoint that wants a list
    takes an object with a list field instead."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    bodies = [
        (path, method, op["requestBody"]["content"]["application/json"]["schema"])
        for path, operations in schema["paths"].items()
        for method, op in operations.items()
        if "application/json" in op.get("requestBody", {}).get("content", {})
    ]
    assert len(bodies) > 10
    for path, method, body in bodies:
        resolved = components[body["$ref"].rsplit("/", 1)[-1]] if "$ref" in body else body
        assert resolved.get("type") == "object", (method, path, resolved)


# --- 3. a wrong method ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("delete", "problems/WM2026-000001"),
        ("put", "problems/WM2026-000001"),
        ("patch", "problems/WM2026-000001"),
        ("post", "me"),
    ],
)
def test_a_wrong_method_is_a_json_405_with_its_allow_header(cast, api_as, method, path):
    response = send(api_as(cast.office), method, path, "{}")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response["Allow"] == "GET"
    assert response.json() == {
        "error": "method_not_allowed",
        "message": f"此地址不接受 {method.upper()} 方法；可用的方法：GET。",
    }


def test_a_wrong_method_speaks_english_when_asked(cast, api_as):
    response = send(api_as(None), "delete", "me", "", language="en")
    assert response.status_code == 405
    assert response.json()["message"] == "The method DELETE is not allowed here; allowed: GET."


# --- 4. validation messages -------------------------------------------------------------------


def test_a_missing_query_parameter_is_named_in_chinese_and_english(cast, api_as):
    office = api_as(cast.office)
    zh = office.get("metrics/problems")
    assert zh.status_code == 400 and zh.json()["message"] == "缺少参数 period。"
    assert zh.json()["details"][0]["type"] == "missing"  # pydantic's own errors still there
    office.client.cookies["wenming_language"] = "en"
    en = office.get("metrics/problems")
    assert en.json()["message"] == "Missing parameter period."


def test_wrong_types_and_bounds_are_named(cast, api_as):
    office = api_as(cast.office)
    assert office.get("problems", limit="abc").json()["message"] == "参数 limit 须为整数。"
    assert office.get("tasks", limit="0").json()["message"] == "参数 limit 不得小于 1。"
    body = {"title": 5, "source": "citizen", "lat": "north", "is_anonymous": "maybe"}
    answer = office.post("problems", body)
    assert answer.status_code == 400
    assert answer.json()["message"] == (
        "参数 title 须为文本。 参数 lat 须为数字。 参数 is_anonymous 须为 true 或 false。"
    )


def test_an_empty_body_is_named_as_such(cast, api_as):
    answer = send(api_as(cast.office), "post", "problems", "")
    assert answer.status_code == 400
    assert answer.json()["message"] == "缺少请求正文（须为 JSON 对象）。"


ERRORS = [
    ({"type": "int_from_float", "loc": ("body", "data", "page_size")}, "参数 page_size 须为整数。"),
    (
        {"type": "date_from_datetime_parsing", "loc": ("query", "on")},
        "参数 on 须为日期（YYYY-MM-DD）。",
    ),
    ({"type": "datetime_parsing", "loc": ("form", "at")}, "参数 at 须为日期时间（ISO 8601）。"),
    (
        {
            "type": "string_too_long",
            "loc": ("body", "payload", "items", 0, "title"),
            "ctx": {"max_length": 200},
        },
        "参数 items.0.title 最多 200 个字符。",
    ),
    (
        {"type": "string_too_short", "loc": ("body", "payload", "t"), "ctx": {"min_length": 1}},
        "参数 t 至少 1 个字符。",
    ),
    (
        {"type": "too_long", "loc": ("body", "payload", "ids"), "ctx": {"max_length": 50}},
        "参数 ids 最多 50 项。",
    ),
    (
        {
            "type": "literal_error",
            "loc": ("query", "by"),
            "ctx": {"expected": "'district' or 'unit'"},
        },
        "参数 by 须为以下之一：'district', 'unit'。",
    ),
    (
        {"type": "enum", "loc": ("query", "s"), "ctx": {"expected": "'a', 'b' or 'c'"}},
        "参数 s 须为以下之一：'a', 'b', 'c'。",
    ),
    ({"type": "greater_than", "loc": ("query", "n"), "ctx": {"gt": 0}}, "参数 n 须大于 0。"),
    ({"type": "less_than", "loc": ("query", "n"), "ctx": {"lt": 10}}, "参数 n 须小于 10。"),
    (
        {"type": "less_than_equal", "loc": ("query", "n"), "ctx": {"le": 500}},
        "参数 n 不得大于 500。",
    ),
    ({"type": "int_parsing_size", "loc": ("path", "id")}, "参数 id 过大。"),
    ({"type": "extra_forbidden", "loc": ("body", "payload", "zz")}, "不接受参数 zz。"),
    ({"type": "json_invalid", "loc": ("form", "meta")}, "参数 meta 须为有效的 JSON。"),
    ({"type": "model_attributes_type", "loc": ("body", "p", "m", 0)}, "参数 m.0 须为 JSON 对象。"),
    ({"type": "list_type", "loc": ("body", "p", "co_units")}, "参数 co_units 须为列表。"),
]


@pytest.mark.parametrize("error, message", ERRORS, ids=[e["type"] for e, _m in ERRORS])
def test_common_error_types_have_a_chinese_sentence(error, message):
    with translation.override("zh-hans"):
        assert validation_message([error]) == message


def test_rare_types_keep_pydantics_words_and_english_keeps_its_plural():
    rare = {"type": "value_error", "loc": ("body", "payload", "lat"), "msg": "Value error, x"}
    missing = {"type": "missing", "loc": ("body", "payload", "source"), "msg": "Field required"}
    with translation.override("zh-hans"):
        assert validation_message([rare, missing]) == "lat: Value error, x; 缺少参数 source。"
    with translation.override("en"):
        one = {"type": "string_too_short", "loc": ("query", "q"), "ctx": {"min_length": 1}}
        assert validation_message([one]) == "Parameter q must have at least 1 character."
        assert validation_message([]) == "The request is not valid."
