"""Every read of the notifications app that a user sees; always through the data scope."""

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from wenming.core.errors import NotFound
from wenming.core.pagination import cursor_id
from wenming.core.scope import scope_queryset
from wenming.org.roles import is_office, require_office

from .models import Delivery, DeliveryStatus, Message, WebhookChannel


def inbox(*, actor, unread_only: bool = False) -> QuerySet:
    """The actor's own inbox, newest first (nobody reads another person's inbox)."""
    qs = scope_queryset(Message.objects.select_related("notice"), actor)
    qs = qs.filter(recipient_id=getattr(actor, "pk", None))
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-id")


def inbox_page(
    *, actor, unread_only: bool = False, cursor: str | None = None, limit: int = 20
) -> tuple[list[Message], str | None]:
    """One page of the inbox after `cursor` (keyset on id) and the cursor of the next page."""
    qs = inbox(actor=actor, unread_only=unread_only)
    before = cursor_id(cursor)
    if before is not None:
        qs = qs.filter(id__lt=before)
    rows = list(qs[: limit + 1])
    next_cursor = str(rows[limit - 1].pk) if len(rows) > limit else None
    return rows[:limit], next_cursor


def unread_count(*, actor) -> int:
    return inbox(actor=actor, unread_only=True).count()


def message_get(*, actor, message_id: int) -> Message:
    message = inbox(actor=actor).filter(pk=message_id).first()
    if message is None:
        raise NotFound()
    return message


def _office_only(actor) -> None:
    require_office(actor, _("Only the Civilization Office may see this."))


def deliveries(*, actor, status: str | None = None) -> QuerySet:
    """Deliveries for the office's delivery page, newest first, optionally of one status."""
    _office_only(actor)
    qs = scope_queryset(Delivery.objects.select_related("notice", "webhook"), actor)
    if status == "gave_up":
        qs = qs.filter(status=DeliveryStatus.FAILED, next_attempt_at__isnull=True)
    elif status in DeliveryStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def delivery_counts(*, actor) -> dict[str, int]:
    """How many deliveries are pending, sent, failed (and given up), for the office."""
    if not is_office(actor):
        return {}
    qs = scope_queryset(Delivery.objects.all(), actor)
    counts = qs.aggregate(
        pending=Count("id", filter=Q(status=DeliveryStatus.PENDING)),
        sent=Count("id", filter=Q(status=DeliveryStatus.SENT)),
        failed=Count("id", filter=Q(status=DeliveryStatus.FAILED)),
        gave_up=Count("id", filter=Q(status=DeliveryStatus.FAILED, next_attempt_at__isnull=True)),
    )
    return {key: value or 0 for key, value in counts.items()}


def delivery_get(*, actor, delivery_id: int) -> Delivery:
    delivery = deliveries(actor=actor).filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound()
    return delivery


def channels(*, actor) -> QuerySet:
    _office_only(actor)
    return scope_queryset(WebhookChannel.objects.select_related("region", "unit"), actor)


def channel_get(*, actor, channel_id: int) -> WebhookChannel:
    channel = channels(actor=actor).filter(pk=channel_id).first()
    if channel is None:
        raise NotFound()
    return channel
