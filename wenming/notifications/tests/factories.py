"""Factories for the notifications app's tests."""

import factory

from wenming.notifications.models import Message, Notice, WebhookChannel


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    kind = "dispatch"
    title = factory.Sequence(lambda n: f"问题 WM2026-{n:06d} 已派遣")
    body = "请按期整改。"
    url = factory.Sequence(lambda n: f"/problems/WM2026-{n:06d}/")


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    notice = factory.SubFactory(NoticeFactory)


class WebhookChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookChannel

    name = factory.Sequence(lambda n: f"工作群{n}")
    kind = "wecom"
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test"
    kinds = factory.LazyFunction(
        lambda: ["dispatch", "due_soon", "overdue", "return", "rework", "close", "escalation"]
    )
