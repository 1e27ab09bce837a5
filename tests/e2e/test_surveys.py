"""A citizen answers a survey on a phone (390×844) through a district's public link, with no
login: a refused answer names the question and keeps the choices, a complete one is thanked
and counted for the district, the same browser is not counted twice; the page is accessible,
fits the screen and loads nothing but its own small style sheet. The district officer then
reads the result."""

import pytest
from playwright.sync_api import expect

from wenming.standards.models import Standard
from wenming.standards.tests.factories import small_system
from wenming.surveys.models import Response
from wenming.surveys.tests.conftest import build_survey
from wenming.testing.personas import build_cast

from .axe import assert_no_axe_violations
from .walk_pages import fast_sign_in, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def survey_q(settings):
    fast_sign_in(settings)
    cast = build_cast()
    small_system()
    standards = list(Standard.objects.order_by("code")[:2])
    return cast, *build_survey(cast.office, code="E2E-SURVEY", standards=standards)


def test_a_citizen_answers_on_a_phone(browser, live_server, survey_q):
    cast, survey, q = survey_q
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    phone = context.new_page()
    phone.set_default_timeout(15000)
    errors, requests = [], []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    # The refused answer's 400 is logged by the browser too; a CSP refusal is what matters.
    phone.on(
        "console",
        lambda msg: "Content Security Policy" in msg.text and errors.append(msg.text),
    )
    phone.on("request", lambda req: requests.append(req.url))
    phone.goto(f"{live_server.url}/surveys/a/{survey.code}/210202/")
    expect(phone.get_by_test_id("survey-title")).to_have_text("市民满意度调查")
    assert phone.evaluate(OVERFLOW) <= 0
    assert all(url.startswith(live_server.url) for url in requests)
    assert_no_axe_violations(phone, where="survey page")

    # The rating left out: refused, the question named, the first choice kept.
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_test_id("submit-answers").click()
    expect(phone.get_by_test_id("answer-error")).to_contain_text("2")
    expect(phone.get_by_label("满意", exact=True)).to_be_checked()
    assert Response.objects.count() == 0

    phone.locator(f"input[name=q{q['rating'].pk}][value='4'] + span").click()
    phone.get_by_text("文明交通").click()
    phone.get_by_test_id("submit-answers").click()
    expect(phone.get_by_test_id("thanks")).to_be_visible()
    response = Response.objects.get()
    assert response.region.code == "210202" and response.answers.count() == 3

    # The same browser is thanked again, not counted again.
    phone.goto(f"{live_server.url}/surveys/a/{survey.code}/210202/")
    expect(phone.get_by_test_id("thanks")).to_be_visible()
    assert Response.objects.count() == 1
    assert not errors, errors
    context.close()

    officer = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = officer.new_page()
    sign_in(page, live_server, "zhongshan")
    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    rows = page.get_by_test_id("result-row")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_test_id("rate-satisfaction")).to_contain_text("100.0%")
    expect(rows.first.get_by_test_id("rate-awareness")).to_contain_text("100.0%")
    officer.close()
