"""Demo notifications: group robots of the office, and a lived-in inbox for each demo login.

The robots are switched off and point at placeholder addresses (no real group receives demo
traffic); a few failed deliveries from "last week" show the office what a broken robot looks
like. Inbox messages are written about the demo problems in each person's scope, when the
problem ledger's demo has run.
"""

import random
from datetime import timedelta

from django.apps import apps
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from wenming.core.scope import scope_queryset
from wenming.org.models import Person, Region, Unit
from wenming.org.roles import Role

from .models import (
    Delivery,
    DeliveryAttempt,
    DeliveryChannel,
    DeliveryStatus,
    Message,
    Notice,
    NotificationKind,
    WebhookChannel,
)

ROBOTS = [
    # (name, kind, url, kinds, region code, unit code)
    (
        "文明办工作群",
        "dingtalk",
        "https://oapi.dingtalk.com/robot/send?access_token=demo-office",
        ["overdue", "escalation", "return"],
        None,
        None,
    ),
    (
        "中山区创城专班",
        "wecom",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo-zhongshan",
        ["dispatch", "due_soon", "overdue", "rework"],
        "210202",
        None,
    ),
    (
        "城管局整改群",
        "feishu",
        "https://open.feishu.cn/open-apis/bot/v2/hook/demo-urban",
        ["dispatch", "due_soon", "overdue", "rework", "close"],
        None,
        "URBAN",
    ),
]

# What each status of a demo problem tells its handlers: in the office's language (zh-Hans)
# and in English, as the ledger writes its notices (a reader of English pages reads English).
STATUS_NOTICE = {
    "dispatched": ("dispatch", "新派遣问题：{code} {title}", "请按期签收并整改。"),
    "in_progress": ("due_soon", "即将到期：{code} {title}", "整改期限还剩 1 个工作日。"),
    "rectified": ("dispatch", "整改已反馈，待核查：{code} {title}", ""),
    "closed": ("close", "已结案：{code} {title}", "核查通过，问题已销号。"),
}
STATUS_NOTICE_EN = {
    "dispatched": ("New problem dispatched: {code} {title}", "Accept it and rectify it in time."),
    "in_progress": ("Due soon: {code} {title}", "One working day is left to rectify it."),
    "rectified": ("Rectification reported, awaiting verification: {code} {title}", ""),
    "closed": ("Closed: {code} {title}", "Verified and closed."),
}
PER_PERSON = 8


def _robots(stdout) -> list[WebhookChannel]:
    made = []
    for name, kind, url, kinds, region_code, unit_code in ROBOTS:
        region = Region.objects.filter(code=region_code).first() if region_code else None
        unit = Unit.objects.filter(code=unit_code).first() if unit_code else None
        channel, _created = WebhookChannel.objects.get_or_create(
            name=name,
            is_demo=True,
            defaults={
                "kind": kind,
                "url": url,
                "kinds": kinds,
                "region": region,
                "unit": unit,
                "is_active": False,
            },
        )
        made.append(channel)
    return made


def _problem_url(problem) -> str:
    try:
        return reverse("problems:detail", args=[problem.code])
    except NoReverseMatch:
        return ""


def _problem_notices(rng: random.Random, now) -> int:
    """Inbox messages about demo problems in each demo person's scope (if the ledger has any)."""
    try:
        problem_model = apps.get_model("problems", "Problem")
    except LookupError:
        return 0
    created = 0
    people = Person.objects.filter(is_demo=True, is_active=True).exclude(
        role__in=[Role.INSPECTOR, Role.EVALUATOR]
    )
    for person in people:
        try:
            problems = list(
                scope_queryset(problem_model.objects.all(), person)
                .filter(status__in=list(STATUS_NOTICE))
                .order_by("-id")[:PER_PERSON]
            )
        except Exception:  # the ledger's schema is not what this demo expects: skip politely
            return created
        # Oldest first, so that each inbox's ids follow its (back-dated) times as live ones do:
        # the inbox is read newest id first.
        for age, problem in reversed(list(enumerate(problems))):
            kind, title, body = STATUS_NOTICE[problem.status]
            title_en, body_en = STATUS_NOTICE_EN[problem.status]
            key = f"demo:{person.pk}:{problem.pk}:{kind}"
            if Notice.objects.filter(dedupe_key=key).exists():
                continue
            url = _problem_url(problem)
            notice = Notice.objects.create(
                kind=kind,
                title=title.format(code=problem.code, title=problem.title)[:200],
                body=body,
                title_en=title_en.format(code=problem.code, title=problem.title)[:200],
                body_en=body_en,
                url=url,
                target_type=problem._meta.label_lower,
                target_id=str(problem.pk),
                region=getattr(problem, "region", None),
                unit=getattr(problem, "responsible_unit", None),
                dedupe_key=key,
                is_demo=True,
            )
            message = Message.objects.create(notice=notice, recipient=person)
            when = now - timedelta(hours=age * 7 + rng.randint(0, 5))
            read_at = when + timedelta(minutes=30) if age >= 3 else None
            Message.objects.filter(pk=message.pk).update(created_at=when, read_at=read_at)
            Notice.objects.filter(pk=notice.pk).update(created_at=when)
            created += 1
    return created


def _failed_history(channel: WebhookChannel, now) -> None:
    """Last week the office's robot key was revoked: two posts that never arrived."""
    if Delivery.objects.filter(webhook=channel).exists():
        return
    for days, title in (
        (6, "超期问题提醒：本周超期 12 件"),
        (5, "督办提醒：甘井子区 3 件问题超期 5 个工作日"),
    ):
        at = now - timedelta(days=days)
        notice = Notice.objects.create(kind=NotificationKind.OVERDUE, title=title, is_demo=True)
        Notice.objects.filter(pk=notice.pk).update(created_at=at)
        error = "310000: keywords not in content / access_token is invalid"
        delivery = Delivery.objects.create(
            notice=notice,
            channel=DeliveryChannel.DINGTALK,
            webhook=channel,
            address=channel.name,
            status=DeliveryStatus.FAILED,
            attempts=8,
            next_attempt_at=None,
            last_error=error,
        )
        Delivery.objects.filter(pk=delivery.pk).update(created_at=at)
        DeliveryAttempt.objects.bulk_create(
            [
                DeliveryAttempt(
                    delivery=delivery,
                    at=at + timedelta(minutes=2**n - 1),
                    ok=False,
                    http_status=200,
                    error=error,
                )
                for n in range(8)
            ]
        )


def load(*, scale: str = "small", stdout=None) -> None:
    """Create the demo robots, inbox messages and a little delivery history (idempotent)."""
    rng = random.Random(20261129)
    now = timezone.now()
    with transaction.atomic():
        robots = _robots(stdout)
        _failed_history(robots[0], now)
        created = _problem_notices(rng, now)
    if stdout is not None:
        stdout.write(f"notifications: {len(robots)} group robots, {created} inbox messages\n")


def reset(*, stdout=None) -> None:
    """Remove demo notices (with their messages and deliveries) and demo robots."""
    with transaction.atomic():
        Notice.objects.filter(is_demo=True).delete()
        WebhookChannel.objects.filter(is_demo=True).delete()
