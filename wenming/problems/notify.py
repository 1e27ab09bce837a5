"""Who hears about a problem, and the hand-over to the notifications app.

Delivery (inbox, e-mail, group robots, retries) belongs to `wenming.notifications`; the ledger
only says who and what. The notice is written in the change's own transaction, so a rolled-back
change notifies nobody and a committed one cannot lose its notice; the worker sends it after
commit. Messages are stored in the office's language (zh-Hans), whatever the actor's page
language.
"""

import contextlib
import logging

from django.conf import settings
from django.urls import reverse
from django.utils import translation

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


def schedule(*, kind: str, recipients, problem, title, body="", dedupe_key=None) -> None:
    """Write a notice about `problem` in the current transaction (sent by the worker).

    `recipients`: a query of people, or their ids (a bulk dispatch reads its handlers once)."""
    if hasattr(recipients, "values_list"):
        recipients = recipients.values_list("pk", flat=True)
    ids = sorted(set(recipients))
    if not ids:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title_text, body_text = str(title), str(body)
    send_now(
        kind=kind,
        recipient_ids=ids,
        problem=problem,
        title=title_text,
        body=body_text,
        url=problem_url(problem),
        dedupe_key=dedupe_key,
    )


def batched():
    """A block whose notices are written together at its end (one bulk INSERT per table)."""
    try:
        from wenming.notifications.services import notices_batched
    except ImportError:  # the notifications app is optional for the ledger to work
        return contextlib.nullcontext()
    return notices_batched()


def send_now(*, kind, recipient_ids, problem, title, body, url, dedupe_key=None) -> int:
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
    )
