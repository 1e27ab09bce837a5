"""Who hears about a problem, and the hand-over to the notifications app.

Delivery (inbox, e-mail, group robots, retries) belongs to `wenming.notifications`; the ledger
only says who and what. The notice is written in the change's own transaction, so a rolled-back
change notifies nobody and a committed one cannot lose its notice; the worker sends it after
commit. Messages are stored in the office's language (zh-Hans), whatever the actor's page
language, and in English beside it (`in_both`), so a reader of English pages reads English.
"""

import contextlib
import logging

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from wenming.org.models import Person, Region, RegionLevel
from wenming.org.roles import Role

logger = logging.getLogger(__name__)


def office_people():
    return Person.objects.filter(role=Role.OFFICE_ADMIN, is_active=True)


def unit_people(unit_id):
    return Person.objects.filter(role=Role.UNIT_OFFICER, unit_id=unit_id, is_active=True)


def region_people(region: Region, *, with_ancestors: bool = False):
    """Officers of `region`; with `with_ancestors`, also those of the street and district above."""
    regions = [region.pk]
    if with_ancestors:
        codes = region.lineage_codes()
        regions = list(
            Region.objects.filter(code__in=codes)
            .exclude(level=RegionLevel.CITY)
            .values_list("pk", flat=True)
        )
    return Person.objects.filter(role=Role.REGION_OFFICER, region__in=regions, is_active=True)


def handler_people(problem, *, escalate: bool = False):
    """The people who answer for `problem` (with `escalate`, the level above them as well)."""
    if problem.responsible_unit_id:
        return unit_people(problem.responsible_unit_id)
    if problem.handling_region_id:
        return region_people(problem.handling_region, with_ancestors=escalate)
    return Person.objects.none()


def problem_url(problem) -> str:
    return reverse("problems:detail", args=[problem.code])


def in_both(text) -> tuple[str, str]:
    """`text` (a lazy string, or a function of no arguments) in the site's language and in
    English: the notice keeps both, and each reader sees their own."""
    render = text if callable(text) else lambda: str(text)
    with translation.override(settings.LANGUAGE_CODE):
        local = render()
    with translation.override("en"):
        english = render()
    return local, english


def schedule(*, kind: str, recipients, problem, title, body="", dedupe_key=None) -> None:
    """Write a notice about `problem` in the current transaction (sent by the worker).

    `recipients`: a query of people, or their ids (a bulk dispatch reads its handlers once).
    `title`, `body`: lazy strings or functions of no arguments, rendered in both languages."""
    if hasattr(recipients, "values_list"):
        recipients = recipients.values_list("pk", flat=True)
    ids = sorted(set(recipients))
    if not ids:
        return
    title_text, title_en = in_both(title)
    body_text, body_en = in_both(body)
    send_now(
        kind=kind,
        recipient_ids=ids,
        problem=problem,
        title=title_text,
        body=body_text,
        url=problem_url(problem),
        dedupe_key=dedupe_key,
        title_en=title_en,
        body_en=body_en,
    )


def batched():
    """A block whose notices are written together at its end (one bulk INSERT per table)."""
    try:
        from wenming.notifications.services import notices_batched
    except ImportError:  # the notifications app is optional for the ledger to work
        return contextlib.nullcontext()
    return notices_batched()


def send_now(
    *, kind, recipient_ids, problem, title, body, url, dedupe_key=None, title_en="", body_en=""
) -> int:
    """Call the notifications app now (ticks run outside a transaction and call this)."""
    try:
        from wenming.notifications.services import notify
    except ImportError:  # the notifications app is optional for the ledger to work
        logger.warning(
            "notifications app unavailable; %s notice for %s not sent", kind, problem.code
        )
        return 0
    return notify(
        kind=kind,
        recipients=list(recipient_ids),  # ids: a bulk dispatch reads all its people at once
        title=title,
        body=body,
        url=url,
        target=problem,
        dedupe_key=dedupe_key,
        title_en=title_en,
        body_en=body_en,
    )


# What the office answered to a handler's request (延期申请, 挂账申请), as the handler reads it.
DECISIONS = {
    "extension_granted": gettext_lazy(
        "Extension granted for problem %(code)s: the deadline is now %(deadline)s"
    ),
    "extension_refused": gettext_lazy(
        "Extension refused for problem %(code)s: the deadline stays %(deadline)s"
    ),
    "hold_granted": gettext_lazy("Problem %(code)s is on hold until %(until)s"),
    "hold_refused": gettext_lazy("Hold refused for problem %(code)s: it stays with you"),
}


def decided(problem, decision: str, *, reason: str = "", **params) -> None:
    """Tell `problem`'s handlers the office decided their request (`DECISIONS`), in the
    change's transaction; the body is the problem's title and the office's reason or plan."""
    values = {"code": problem.code, **{k: v if v is not None else "—" for k, v in params.items()}}
    schedule(
        kind="decision",
        recipients=handler_people(problem),
        problem=problem,
        title=lambda: DECISIONS[decision] % values,
        body="\n".join(part for part in (problem.title, reason) if part),
    )
