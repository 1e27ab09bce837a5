"""Inspector performance (issue 12, item 7), one row per inspector, aggregated in SQL.

Per inspector over the visits of their teams: visits done (submitted and not sent back),
done on time (submitted by the round's closing day), the median duration from start to
submit, failures found, photos per failure, the share of visits started more than
`FAR_START_M` from the point, and the share of their photos with an integrity flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from django.db.models import Count, F, Q, QuerySet

from .models import Answer, Visit, VisitPhoto
from .selectors import SCORED
from .services.visits import FAR_START_M


@dataclass
class InspectorLine:
    person_id: int
    name: str
    visits_done: int
    on_time: int
    median_minutes: float | None
    failures: int
    photos_per_failure: float | None
    far_start_share: float | None
    flagged_photo_share: float | None


def inspector_performance(visits: QuerySet) -> list[InspectorLine]:
    """The lines for the inspectors on `visits` (already narrowed to the reader's scope)."""
    team = Visit.team.through
    done = visits.filter(status__in=SCORED)
    links = team.objects.filter(visit__in=done).order_by()
    per_person = (
        links.values("person_id", "person__display_name", "person__username")
        .annotate(
            n=Count("visit_id"),
            on_time=Count(
                "visit_id", filter=Q(visit__submitted_at__date__lte=F("visit__round__closes_on"))
            ),
            far=Count("visit_id", filter=Q(visit__start_distance_m__gt=FAR_START_M)),
        )
        .order_by("person__username")
    )
    durations: dict[int, list[float]] = {}
    for person_id, started, submitted in links.filter(visit__started_at__isnull=False).values_list(
        "person_id", "visit__started_at", "visit__submitted_at"
    ):
        durations.setdefault(person_id, []).append((submitted - started) / timedelta(minutes=1))
    failures = dict(
        team.objects.filter(visit__in=done)
        .order_by()
        .values("person_id")
        .annotate(n=Count("visit__answers", filter=Q(visit__answers__answer=Answer.FAIL)))
        .values_list("person_id", "n")
    )
    # Flags are a JSON list; counted here rather than compared in SQL (JSON equality differs
    # between SQLite and PostgreSQL). One row per photo of the reader's done visits.
    members: dict[int, list[int]] = {}
    for visit_id, person_id in links.values_list("visit_id", "person_id"):
        members.setdefault(visit_id, []).append(person_id)
    photos: dict[int, dict[str, int]] = {}
    for visit_id, flags in VisitPhoto.objects.filter(visit__in=done).values_list(
        "visit_id", "flags"
    ):
        for pid in members.get(visit_id, ()):
            counts = photos.setdefault(pid, {"n": 0, "flagged": 0})
            counts["n"] += 1
            counts["flagged"] += bool(flags)
    lines = []
    for row in per_person:
        pid = row["person_id"]
        n_fail = failures.get(pid, 0)
        shot = photos.get(pid, {"n": 0, "flagged": 0})
        lines.append(
            InspectorLine(
                person_id=pid,
                name=row["person__display_name"] or row["person__username"],
                visits_done=row["n"],
                on_time=row["on_time"],
                median_minutes=round(median(durations[pid]), 1) if durations.get(pid) else None,
                failures=n_fail,
                photos_per_failure=round(shot["n"] / n_fail, 2) if n_fail else None,
                far_start_share=round(row["far"] / row["n"], 3) if row["n"] else None,
                flagged_photo_share=round(shot["flagged"] / shot["n"], 3) if shot["n"] else None,
            )
        )
    return lines
