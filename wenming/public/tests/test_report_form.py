"""The report form and the follow box as QA met them on a phone: every problem of a submission
named at once, the missing pin said beside the map (not as a "latitude"), the description's own
length message in both languages, and an empty tracking code answered with a message."""

import re

import pytest
from django.test import Client

from wenming.problems.models import Problem
from wenming.public.models import CitizenReport
from wenming.public.testing import post_report, upload

pytestmark = pytest.mark.django_db

NO_PIN_ZH = "请在地图上标出问题的位置，或点击“使用我的位置”。"
NO_PIN_EN = "Mark where the problem is on the map, or tap “Use my position”."


def _client(language="zh-hans"):
    client = Client()
    client.cookies["wenming_language"] = language
    return client


def _post(client, cats, **extra):
    return post_report(client, cats, ip="192.0.2.9", **extra)


def _counts():
    return Problem.objects.count(), CitizenReport.objects.count()


def _summary(html: str) -> str:
    found = re.search(r'data-testid="form-errors">(.*?)</div>', html, re.S)
    assert found, "no error summary"
    return found.group(1)


def _location(html: str) -> str:
    """The "Where is it?" fieldset: the map, the "Use my position" button and their message."""
    found = re.search(r'<fieldset data-testid="location"[^>]*>(.*?)</fieldset>', html, re.S)
    assert found, "no location fieldset"
    return found.group(1)


def _bad_photo():
    return upload(b"%PDF-1.4 not an image", name="notes.jpg")


def test_an_empty_report_names_every_problem_at_once_and_keeps_what_was_typed(cast, public_cats):
    before = _counts()
    response = _post(
        _client(),
        public_cats,
        category="",
        description="",
        lat="",
        lon="",
        address="天津街口东侧",
        reporter_name="王先生",
        reporter_phone="12",
        photos=[_bad_photo()],
    )
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("category", "description", "photos", "reporter_phone"):
        assert f'data-testid="error-{field}"' in html, field
    assert "notes.jpg" in _summary(html)
    assert NO_PIN_ZH in _summary(html) and NO_PIN_ZH in _location(html)
    assert "电话号码只能包含数字" in _summary(html)
    # In the page's order, the place where the map is.
    needles = ("请选择类别", "请描述问题", NO_PIN_ZH, "notes.jpg", "电话号码只能包含数字")
    found = [_summary(html).index(needle) for needle in needles]
    assert found == sorted(found)
    # What was typed comes back; the photos must be chosen again, and the page says so.
    assert 'value="天津街口东侧"' in html and 'value="王先生"' in html and 'value="12"' in html
    assert "请重新选择照片" in html
    assert _counts() == before


def test_in_english_a_missing_category_a_bad_photo_and_no_pin_are_all_named(cast, public_cats):
    before = _counts()
    response = _post(_client("en"), public_cats, category="", lat="", lon="", photos=[_bad_photo()])
    assert response.status_code == 400
    summary = _summary(response.content.decode())
    assert "Category: Choose a category." in summary
    assert "Photos (up to 3): notes.jpg" in summary
    assert NO_PIN_EN in summary
    assert "Latitude" not in summary and "This field is required" not in summary
    assert "Choose your photos again" in summary
    assert _counts() == before


def test_with_only_the_pin_missing_the_message_is_beside_the_map_not_on_latitude(cast, public_cats):
    response = _post(_client(), public_cats, lat="", lon="")
    assert response.status_code == 400
    html = response.content.decode()
    assert NO_PIN_ZH in _location(html)
    assert 'data-testid="error-location"' in _location(html)
    assert "纬度" not in _summary(html) and 'data-testid="error-lat"' not in html
    assert "使用我的位置" in _location(html)  # the button the message names


def test_a_pin_outside_the_city_is_said_beside_the_map(cast, public_cats):
    response = _post(_client(), public_cats, lat=31.2, lon=121.4)
    assert response.status_code == 400
    html = response.content.decode()
    assert "城市范围之外" in _location(html)
    assert "纬度" not in _summary(html)


def test_a_coordinate_typed_by_hand_that_is_not_a_number_names_that_box(cast, public_cats):
    """Without JavaScript the citizen types the coordinates: the box typed in is named, once."""
    html = _post(_client(), public_cats, lat="north").content.decode()
    assert 'data-testid="error-lat"' in html
    assert NO_PIN_ZH not in html


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh-hans", "描述最多 1000 字，现在是 6000 字。"),
        ("en", "The description may be at most 1,000 characters; it has 6,000."),
    ],
)
def test_an_over_long_description_gets_the_forms_own_message(cast, public_cats, language, message):
    before = _counts()
    response = _post(_client(language), public_cats, description="灯" * 6000)
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(r'data-testid="error-description">([^<]*)<', html).group(1)
    assert error == message
    assert "变量" not in html and "Ensure this value" not in html
    assert _counts() == before


@pytest.mark.parametrize(
    ("field", "limit"), [("address", 300), ("reporter_name", 100), ("reporter_phone", 30)]
)
def test_an_over_long_field_says_its_limit_in_plain_words(cast, public_cats, field, limit):
    before = _counts()
    response = _post(_client(), public_cats, **{field: "1" * (limit + 5)})
    assert response.status_code == 400
    error = re.search(rf'data-testid="error-{field}">([^<]*)<', response.content.decode())
    assert error.group(1) == f"最多 {limit} 个字，现在是 {limit + 5} 个字。"
    assert _counts() == before


def test_line_breaks_count_once_as_the_counter_and_the_browser_count_them(cast, public_cats):
    """A browser sends each line break of a textarea as two characters (CR LF) but counts
    one against maxlength and in the counter: a description that fits there is accepted."""
    typed = "\r\n".join(["路灯不亮"] * 200)  # 1198 characters sent, 999 counted
    response = _post(_client(), public_cats, description=typed)
    assert response.status_code == 302
    assert Problem.objects.get().description == "\n".join(["路灯不亮"] * 200)


def test_the_description_has_a_character_counter_for_the_script(cast, public_cats):
    html = _client().get("/report/new/").content.decode()
    textarea = re.search(r"<textarea[^>]*>", html).group(0)
    assert 'maxlength="1000"' in textarea
    assert 'aria-describedby="wm-description-count"' in textarea
    counter = re.search(r'<p[^>]*id="wm-description-count"[^>]*>', html).group(0)
    assert "hidden" in counter  # shown by the script only: the server's check stays
    assert 'data-wm-count-text="已输入 {count} / {limit} 字"' in counter
    assert "public/counter.js" in html


@pytest.mark.parametrize(
    ("language", "message"), [("zh-hans", "请输入查询码。"), ("en", "Enter your tracking code.")]
)
def test_an_empty_tracking_code_is_answered_with_a_message(cast, public_cats, language, message):
    client = _client(language)
    for typed in ("", "   "):
        response = client.get("/report/follow/", {"code": typed})
        assert response.status_code == 400
        html = response.content.decode()
        assert re.search(r'data-testid="follow-error">([^<]*)<', html).group(1) == message
        assert 'aria-invalid="true"' in html
    # Opening the box (no code sent yet) is no error.
    plain = client.get("/report/follow/")
    assert plain.status_code == 200 and "follow-error" not in plain.content.decode()


def test_the_error_summary_joins_a_label_and_its_message_as_chinese_does(cast, public_cats):
    summary = _summary(_post(_client(), public_cats, category="").content.decode())
    assert "问题类别：请选择类别。" in summary and "问题类别: " not in summary
