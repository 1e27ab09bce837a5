"""Data scope of the notifications app: own inbox only; deliveries and robots for the office."""

import pytest

from wenming.core.errors import NotAllowed, NotFound
from wenming.core.scope import scope_queryset
from wenming.notifications import selectors
from wenming.notifications.models import Delivery, Message, Notice, WebhookChannel
from wenming.notifications.services import notify

from .factories import NoticeFactory, WebhookChannelFactory

PEOPLE = [
    "office",
    "leader",
    "zhongshan",
    "ganjingzi",
    "urban",
    "education",
    "inspector",
    "evaluator",
]


@pytest.fixture
def everyone_notified(cast):
    notify(kind="dispatch", recipients=cast.everyone, title="全员通知")
    return cast


@pytest.mark.parametrize("who", PEOPLE)
def test_every_persona_reads_exactly_their_own_inbox(everyone_notified, who):
    person = getattr(everyone_notified, who)
    inbox = selectors.inbox(actor=person)
    assert [m.recipient_id for m in inbox] == [person.pk]
    assert selectors.unread_count(actor=person) == 1
    page, cursor = selectors.inbox_page(actor=person)
    assert [m.recipient_id for m in page] == [person.pk] and cursor is None


def test_anonymous_and_inactive_people_read_nothing(everyone_notified):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.unread_count(actor=AnonymousUser()) == 0
    urban = everyone_notified.urban
    urban.is_active = False
    assert selectors.unread_count(actor=urban) == 0


def test_a_ganjingzi_officer_cannot_open_a_zhongshan_officers_message(everyone_notified):
    theirs = Message.objects.get(recipient=everyone_notified.zhongshan)
    with pytest.raises(NotFound):
        selectors.message_get(actor=everyone_notified.ganjingzi, message_id=theirs.pk)
    assert selectors.message_get(actor=everyone_notified.zhongshan, message_id=theirs.pk) == theirs


def test_the_message_scope_rule_follows_the_recipients_region_and_unit(everyone_notified):
    cast = everyone_notified
    seen = {m.recipient.username for m in scope_queryset(Message.objects.all(), cast.zhongshan)}
    assert seen == {"zhongshan"}  # the only person in the Zhongshan subtree
    seen = {m.recipient.username for m in scope_queryset(Message.objects.all(), cast.urban)}
    assert seen == {"urban"}
    assert scope_queryset(Message.objects.all(), cast.office).count() == len(PEOPLE)


def test_notice_scope_follows_the_place_of_the_event(cast):
    NoticeFactory(region=cast.zhongshan_community, title="中山")
    NoticeFactory(region=cast.ganjingzi_community, title="甘井子")
    NoticeFactory(unit=cast.urban_unit, title="城管")
    titles = lambda who: {n.title for n in scope_queryset(Notice.objects.all(), who)}  # noqa: E731
    assert titles(cast.zhongshan) == {"中山"}
    assert titles(cast.ganjingzi) == {"甘井子"}
    assert titles(cast.urban) == {"城管"}
    assert titles(cast.education) == set()
    assert titles(cast.office) == {"中山", "甘井子", "城管"}


@pytest.mark.parametrize(
    "who", ["zhongshan", "ganjingzi", "urban", "education", "inspector", "evaluator", "leader"]
)
def test_deliveries_and_robots_are_for_the_office_only(cast, who):
    person = getattr(cast, who)
    channel = WebhookChannelFactory()
    Delivery.objects.create(
        notice=NoticeFactory(), channel="wecom", webhook=channel, status="failed", attempts=1
    )
    with pytest.raises(NotAllowed):
        selectors.deliveries(actor=person)
    with pytest.raises(NotAllowed):
        selectors.channels(actor=person)
    assert selectors.delivery_counts(actor=person) == {}
    if who != "leader":  # the scope rule itself: nothing for anyone but office and leaders
        assert not scope_queryset(Delivery.objects.all(), person).exists()
        assert not scope_queryset(WebhookChannel.objects.all(), person).exists()


def test_the_office_sees_every_delivery_and_their_counts(cast):
    channel = WebhookChannelFactory()
    for status, attempts, due in (
        ("failed", 8, None),
        ("failed", 1, True),
        ("sent", 1, None),
        ("pending", 0, True),
    ):
        from django.utils import timezone

        Delivery.objects.create(
            notice=NoticeFactory(),
            channel="wecom",
            webhook=channel,
            status=status,
            attempts=attempts,
            next_attempt_at=timezone.now() if due else None,
        )
    assert selectors.delivery_counts(actor=cast.office) == {
        "pending": 1,
        "sent": 1,
        "failed": 2,
        "gave_up": 1,
    }
    assert selectors.deliveries(actor=cast.office, status="gave_up").count() == 1
    assert selectors.deliveries(actor=cast.office).count() == 4
    assert list(selectors.channels(actor=cast.office)) == [channel]
