"""The notifications share of the demo city loads, is idempotent and resets cleanly."""

from io import StringIO

from wenming.notifications import demo, selectors
from wenming.notifications.models import Delivery, Notice, WebhookChannel
from wenming.org.models import Person
from wenming.problems.tests.factories import dispatched


def test_demo_load_is_idempotent_and_reset_removes_only_demo_data(cast):
    real = WebhookChannel.objects.create(
        name="真实群", kind="wecom", url="https://x.example/", kinds=["overdue"]
    )
    out = StringIO()
    demo.load(scale="small", stdout=out)
    demo.load(scale="small", stdout=out)
    assert WebhookChannel.objects.filter(is_demo=True).count() == len(demo.ROBOTS)
    assert not WebhookChannel.objects.filter(is_demo=True, is_active=True).exists()
    gave_up = Delivery.objects.filter(status="failed", next_attempt_at__isnull=True)
    assert gave_up.count() == 2  # the office's home shows what a broken robot looks like
    assert "notifications:" in out.getvalue()

    demo.reset(stdout=out)
    assert list(WebhookChannel.objects.all()) == [real]
    assert not Notice.objects.filter(is_demo=True).exists() and not Delivery.objects.exists()


def test_demo_inbox_reads_newest_first(cast):
    """The demo back-dates its notices: they are written oldest first, so that the inbox (newest
    id first, as live messages arrive) shows them in time order too."""
    for _ in range(4):
        dispatched(cast, region=cast.zhongshan_district)
    Person.objects.filter(pk=cast.zhongshan.pk).update(is_demo=True)
    demo.load(scale="small", stdout=StringIO())
    times = [m.created_at for m in selectors.inbox(actor=cast.zhongshan) if m.notice.is_demo]
    assert len(times) >= 4
    assert times == sorted(times, reverse=True)
