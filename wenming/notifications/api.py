"""JSON API of the notifications app: the caller's own inbox (thin: parse, call, return)."""

from datetime import datetime
from typing import Annotated

from ninja import Path, Query, Router, Schema
from pydantic import Field

from wenming.core.api_schemas import ErrorOut
from wenming.core.ids import MAX_ROW_ID

from . import selectors, services

router = Router(tags=["notifications"])

MessageId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


class MessageOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    target_type: str
    target_id: str
    created_at: datetime
    read_at: datetime | None


class InboxOut(Schema):
    items: list[MessageOut]
    next_cursor: str | None
    unread: int


class InboxQuery(Schema):
    unread: bool = False
    cursor: str | None = Field(None, max_length=20)
    limit: int = Field(20, ge=1, le=100)


class MarkedOut(Schema):
    marked: int


def _out(message) -> dict:
    notice = message.notice
    return {
        "id": message.pk,
        "kind": notice.kind,
        "title": notice.display_title,  # the caller's language (English when recorded)
        "body": notice.display_body,
        "url": notice.url,
        "target_type": notice.target_type,
        "target_id": notice.target_id,
        "created_at": message.created_at,
        "read_at": message.read_at,
    }


@router.get(
    "/notifications",
    response={200: InboxOut, 400: ErrorOut},
    summary="The caller's own inbox, newest first",
)
def list_notifications(request, filters: Query[InboxQuery]):
    items, next_cursor = selectors.inbox_page(
        actor=request.auth, unread_only=filters.unread, cursor=filters.cursor, limit=filters.limit
    )
    return {
        "items": [_out(m) for m in items],
        "next_cursor": next_cursor,
        "unread": selectors.unread_count(actor=request.auth),
    }


@router.post(
    "/notifications/read-all",
    response=MarkedOut,
    summary="Mark all of the caller's messages as read",
)
def read_all(request):
    return {"marked": services.message_mark_all_read(actor=request.auth)}


@router.post(
    "/notifications/{message_id}/read",
    response={200: MessageOut, 404: ErrorOut},
    summary="Mark one of the caller's messages as read",
)
def read_one(request, message_id: MessageId):
    return _out(services.message_mark_read(message_id=message_id, actor=request.auth))
