"""Notices read in the reader's language, with kind labels that name what happened (issue 10,
items 13 and 14)."""

import re

from django.utils import translation

from wenming.notifications import demo
from wenming.notifications.models import Notice, NotificationKind
from wenming.org.models import Person
from wenming.problems.tests.factories import accepted

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_kind_labels_are_statuses_not_the_ledgers_column_heads():
    with translation.override("zh-hans"):
        labels = {kind: str(NotificationKind(kind).label) for kind in NotificationKind.values}
    assert labels["dispatch"] == "已派遣" and labels["close"] == "已结案"
    assert not any(label.endswith("时间") for label in labels.values()), labels


def test_a_notice_without_english_is_shown_in_chinese():
    notice = Notice(kind="dispatch", title="新派遣问题", body="请签收")
    with translation.override("en"):
        assert notice.display_title == "新派遣问题" and notice.display_body == "请签收"
    notice.title_en, notice.body_en = "New problem", "Accept it"
    with translation.override("en"):
        assert notice.display_title == "New problem" and notice.display_body == "Accept it"
    with translation.override("zh-hans"):
        assert notice.display_title == "新派遣问题" and notice.display_body == "请签收"


def test_demo_notices_are_written_in_both_languages(cast):
    problem = accepted(cast)  # in progress: a "due soon" demo notice
    Person.objects.filter(pk=cast.urban.pk).update(is_demo=True)
    demo.load(scale="small")
    notices = list(Notice.objects.filter(is_demo=True, target_id=str(problem.pk)))
    assert notices
    for notice in notices:
        assert notice.title_en and not CJK.search(notice.title_en.replace(problem.title, ""))
        assert CJK.search(notice.title)
