"""A round's reports, made by the worker (`wenming.core.jobs`): Excel and Word.

- Excel (openpyxl): a summary sheet with the figures of `selectors.round_summary`, then the
  visits, the item results and the problems the failures became;
- Word (python-docx): scores by point type and by district, the most-failed standards,
  photos of the worst items (read from storage), and the mock-assessment estimate with its
  interval and the sample size of each stratum.

Both are real .xlsx/.docx (WPS and Word open them). Each is made for the person who asked,
over the visits they may see (`selectors.visits_visible`): the office and leaders get the
whole round, a region officer the visits of their subtree, a unit officer those of their
unit's points; the estimate only appears for a reader who sees the whole round (as on the
round page). Inspectors and evaluators do not make reports. Headers are in the language the
person used when they asked (as every job's: `wenming.core.jobs`).
"""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wenming.core.errors import InvalidInput, NotAllowed
from wenming.core.jobs import job_start
from wenming.core.roles import Role
from wenming.core.spreadsheets import append_row
from wenming.core.wordfiles import new_document
from wenming.standards.models import PointType

from . import scoring, selectors
from .models import Answer, Round, VisitAnswer, VisitPhoto

XLSX = "inspections.round_xlsx"
DOCX = "inspections.round_docx"
KINDS = {"xlsx": XLSX, "docx": DOCX}
NO_REPORTS = (Role.INSPECTOR, Role.EVALUATOR)
# The Word report shows this many of the most-failed standards and photographs this many
# of the worst items (two photos each): enough to act on, small enough to print.
TOP_STANDARDS = 10
WORST_ITEMS = 5
PHOTOS_PER_ITEM = 2


def round_report_start(*, actor, round_: Round, kind: str):
    """Queue the round's report (`kind` "xlsx" or "docx") for `actor`; returns the Job, whose
    page is `/jobs/<id>/`. A round outside the actor's scope is not found (404)."""
    if kind not in KINDS:
        raise InvalidInput(_("A round report is xlsx or docx."), code="bad_report_kind")
    if getattr(actor, "role", None) in NO_REPORTS:
        raise NotAllowed(_("Inspectors and evaluators do not make round reports."))
    round_ = selectors.round_get(actor=actor, round_id=round_.pk)
    title = (_("Round %(code)s as Excel") if kind == "xlsx" else _("Round %(code)s as Word")) % {
        "code": round_.code
    }
    return job_start(
        owner=actor,
        kind=KINDS[kind],
        params={"round": round_.pk},
        title=title,
    )


def _round_of(job) -> Round:
    return selectors.round_get(actor=job.owner, round_id=int(job.params["round"]))


def _num(value):
    """Decimals as numbers the spreadsheet can sum (None stays empty)."""
    return float(value) if isinstance(value, Decimal) else value


def _pct(value) -> str:
    return "—" if value is None else f"{float(value):.2f}"


# --- Excel ---------------------------------------------------------------------------------


def make_xlsx(*, job, out, progress) -> str:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    actor = job.owner
    round_ = _round_of(job)
    visits = selectors.visits_visible(actor=actor, round_=round_).select_related("district")
    answers = (
        VisitAnswer.objects.filter(visit__in=visits.values("pk"))
        .select_related("item__standard", "visit__point", "problem")
        .order_by("visit__point__code", "item__order", "item__code")
    )
    progress.total(visits.count() + answers.count() + 1)
    summary = selectors.round_summary(actor=actor, round_=round_)
    book = Workbook()
    bold = Font(bold=True)

    sheet = book.active
    sheet.title = _("Summary")
    rows = [
        (_("Round"), f"{round_.code} {round_.name}"),
        (_("Kind"), round_.get_kind_display()),
        (_("Visits"), summary.visits),
        (_("Field score"), _num(summary.field_score)),
        (_("Score rate (%)"), _num(summary.score_rate)),
    ]
    if summary.estimate is not None and summary.estimate.score is not None:
        rows += [
            (_("Estimated field score"), round(summary.estimate.score, 2)),
            (_("Interval low (95%)"), round(summary.estimate.low, 2)),
            (_("Interval high (95%)"), round(summary.estimate.high, 2)),
        ]
    for row in rows:
        append_row(sheet, row)
    append_row(sheet, ())
    append_row(sheet, (_("Point type"), _("Weight"), _("Visits"), _("Score"), _("Score rate (%)")))
    for line in summary.types:
        append_row(
            sheet,
            (line.name, _num(line.weight), line.visits, _num(line.score), _num(line.score_rate)),
        )
    progress()

    sheet = book.create_sheet(_("Visits"))
    append_row(
        sheet,
        (
            _("Point code"),
            _("Point"),
            _("Point type"),
            _("District"),
            _("Status"),
            _("Team"),
            _("Started"),
            _("Distance at start (m)"),
            pgettext("date column", "Submitted"),
            _("Points earned"),
            _("Points possible"),
            _("Score"),
            _("Places observed"),
            _("Places passed"),
        ),
    )
    teams: dict[int, list[str]] = {}
    for visit_id, name, username in visits.values_list(
        "pk", "team__display_name", "team__username"
    ):
        if username:
            teams.setdefault(visit_id, []).append(name or username)
    for v in visits.order_by("district__code", "point__code"):
        append_row(
            sheet,
            (
                v.point.code,
                v.point.name,
                v.point_type.display_name,
                v.district.name if v.district else "",
                v.get_status_display(),
                "、".join(sorted(teams.get(v.pk, []))),
                _naive(v.started_at),
                v.start_distance_m,
                _naive(v.submitted_at),
                _num(v.earned),
                _num(v.possible),
                _num(v.score),
                v.places_observed,
                v.places_passed,
            ),
        )
        progress()

    sheet = book.create_sheet(_("Item results"))
    append_row(
        sheet,
        (
            _("Point code"),
            _("Item code"),
            pgettext("checklist", "Item"),
            _("Standard"),
            _("Answer"),
            _("Places observed"),
            _("Places failed"),
            _("Sampling rule shown"),
            _("Note"),
            _("Problem"),
        ),
    )
    problems = {}
    for a in answers.iterator(chunk_size=2000):
        append_row(
            sheet,
            (
                a.visit.point.code,
                a.item.code,
                a.item.text,
                a.item.standard.code if a.item.standard_id else "",
                a.get_answer_display(),
                a.places_observed,
                a.places_failed,
                a.sampling_rule,
                a.note,
                a.problem.code if a.problem_id else "",
            ),
        )
        if a.problem_id:
            problems[a.problem_id] = (a.problem, a.visit.point.code, a.item.code)
        progress()

    sheet = book.create_sheet(_("Problems"))
    append_row(
        sheet,
        (_("Problem"), _("Title"), _("Status"), _("Point code"), _("Item code"), _("Deadline")),
    )
    for problem, point_code, item_code in sorted(problems.values(), key=lambda r: r[0].code):
        append_row(
            sheet,
            (
                problem.code,
                problem.title,
                problem.get_status_display(),
                point_code,
                item_code,
                problem.deadline,
            ),
        )
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = bold
        ws.freeze_panes = "A2" if ws.title != _("Summary") else None
    book.save(out)
    return f"{round_.code}.xlsx"


def _naive(moment):
    """Excel has no time zones: the local wall-clock time."""
    if moment is None:
        return None
    from django.utils import timezone

    return timezone.localtime(moment).replace(tzinfo=None)


# --- reads for the Word report ------------------------------------------------------------


def district_scores(*, actor, round_: Round) -> list[dict]:
    """Per district the field score (the round's rule: weighted mean of the type scores,
    weights renormalised) and its visit count, over the visits the reader may see."""
    by_district: dict[str, dict] = {}
    for visit in (
        selectors.visits_visible(actor=actor, round_=round_)
        .filter(status__in=selectors.SCORED, score__isnull=False)
        .values_list("district__code", "district__name", "point_type__code", "score")
    ):
        code, name, type_code, score = visit
        entry = by_district.setdefault(code or "", {"name": name or "—", "scores": []})
        entry["scores"].append((type_code, score))
    present = {t for entry in by_district.values() for t, _s in entry["scores"]}
    weights = dict(
        PointType.objects.filter(code__in=present).values_list("code", "sampling_weight")
    )
    result = []
    for code, entry in sorted(by_district.items()):
        types = scoring.type_scores(entry["scores"])
        result.append(
            {
                "code": code,
                "name": entry["name"],
                "visits": len(entry["scores"]),
                "score": scoring.field_score(types, weights),
            }
        )
    return result


def most_failed(*, actor, round_: Round, limit: int = TOP_STANDARDS) -> list[dict]:
    """The standards failed most often in the round, over the visits the reader may see."""
    visible = selectors.visits_visible(actor=actor, round_=round_).values("pk")
    rows = (
        VisitAnswer.objects.filter(visit__in=visible, answer=Answer.FAIL)
        .order_by()
        .values("item__standard__code", "item__standard__text")
        .annotate(n=Count("id"))
        .order_by("-n", "item__standard__code")[:limit]
    )
    return [
        {
            "code": r["item__standard__code"] or "",
            "text": r["item__standard__text"] or "",
            "failures": r["n"],
        }
        for r in rows
    ]


def worst_items(*, actor, round_: Round, limit: int = WORST_ITEMS) -> list[dict]:
    """The checklist items failed most often, each with up to two of its failure photos."""
    visible = selectors.visits_visible(actor=actor, round_=round_).values("pk")
    failed = VisitAnswer.objects.filter(visit__in=visible, answer=Answer.FAIL)
    counts = Counter(
        dict(
            failed.order_by()
            .values_list("item_id")
            .annotate(n=Count("id"))
            .values_list("item_id", "n")
        )
    )
    result = []
    for item_id, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]:
        failed_visits = failed.filter(item_id=item_id).values("visit_id")
        photos = list(
            VisitPhoto.objects.filter(item_id=item_id, visit_id__in=failed_visits)
            .select_related("item", "visit__point")
            .order_by("id")[:PHOTOS_PER_ITEM]
        )
        item = photos[0].item if photos else failed.filter(item_id=item_id).first().item
        result.append({"item": item, "failures": n, "photos": photos})
    return result


# --- Word ----------------------------------------------------------------------------------


def _table(doc, header, rows):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    return table


def make_docx(*, job, out, progress) -> str:
    from docx.shared import Cm

    actor = job.owner
    round_ = _round_of(job)
    progress.total(6)
    summary = selectors.round_summary(actor=actor, round_=round_)
    doc = new_document()
    doc.add_heading(f"{round_.code} {round_.name}", level=0)
    doc.add_paragraph(
        _("%(kind)s, %(opens)s to %(closes)s. Visits: %(visits)s.")
        % {
            "kind": round_.get_kind_display(),
            "opens": round_.opens_on.isoformat(),
            "closes": round_.closes_on.isoformat(),
            "visits": summary.visits,
        }
    )
    doc.add_paragraph(
        _("Field score: %(score)s. Score rate: %(rate)s %%.")
        % {"score": _pct(summary.field_score), "rate": _pct(summary.score_rate)}
    )
    progress()

    doc.add_heading(_("Scores by point type"), level=1)
    _table(
        doc,
        (_("Point type"), _("Weight"), _("Visits"), _("Score"), _("Score rate (%)")),
        [
            (line.name, line.weight, line.visits, _pct(line.score), _pct(line.score_rate))
            for line in summary.types
        ],
    )
    progress()

    doc.add_heading(_("Scores by district"), level=1)
    _table(
        doc,
        (_("District"), _("Visits"), _("Field score")),
        [
            (d["name"], d["visits"], _pct(d["score"]))
            for d in district_scores(actor=actor, round_=round_)
        ],
    )
    progress()

    doc.add_heading(_("Most-failed standards"), level=1)
    failed = most_failed(actor=actor, round_=round_)
    if failed:
        _table(
            doc,
            (_("Standard"), _("Text"), _("Failures")),
            [(r["code"], r["text"], r["failures"]) for r in failed],
        )
    else:
        doc.add_paragraph(_("No failures."))
    progress()

    doc.add_heading(_("Photos of the worst items"), level=1)
    for entry in worst_items(actor=actor, round_=round_):
        item = entry["item"]
        doc.add_paragraph(
            _("%(code)s %(text)s: failed %(n)s times.")
            % {"code": item.code, "text": item.text, "n": entry["failures"]}
        )
        for photo in entry["photos"]:
            data = _photo_bytes(photo)
            if data is None:
                continue
            doc.add_picture(data, width=Cm(8))
            doc.add_paragraph(f"{photo.visit.point.code} {photo.visit.point.name}")
    progress()

    doc.add_heading(_("Mock-assessment estimate"), level=1)
    est = summary.estimate
    if est is None or est.score is None:
        doc.add_paragraph(
            _("The estimate is shown to readers who see the whole round, once visits are scored.")
        )
    else:
        doc.add_paragraph(
            _(
                "Estimated field score %(score)s, 95%% interval %(low)s to %(high)s "
                "(standard error %(se)s)."
            )
            % {
                "score": f"{est.score:.2f}",
                "low": f"{est.low:.2f}",
                "high": f"{est.high:.2f}",
                "se": f"{est.standard_error:.2f}",
            }
        )
        if summary.pass_probability is not None and round_.pass_threshold is not None:
            doc.add_paragraph(
                _("Chance of clearing %(threshold)s: %(p)s %%.")
                % {
                    "threshold": round_.pass_threshold,
                    "p": f"{100 * summary.pass_probability:.1f}",
                }
            )
        _table(
            doc,
            (_("Point type"), _("District"), _("Visited"), _("Points covered")),
            [
                (s["type_name"], s["district_name"] or "—", s["n"], s["population"])
                for s in summary.strata
            ],
        )
    progress()
    doc.save(out)
    return f"{round_.code}.docx"


# Photos go into the report at most this wide (pixels): a phone's 4,000-pixel photo would
# make a report of hundreds of megabytes.
PHOTO_MAX_PX = 1200


def _photo_bytes(photo: VisitPhoto) -> io.BytesIO | None:
    from PIL import Image

    try:
        with default_storage.open(photo.file.name, "rb") as handle:
            image = Image.open(io.BytesIO(handle.read()))
            image.load()
    except (OSError, ValueError):
        return None  # a missing or unreadable file: the report goes on without it
    image = image.convert("RGB")
    image.thumbnail((PHOTO_MAX_PX, PHOTO_MAX_PX))
    data = io.BytesIO()
    image.save(data, format="JPEG", quality=80)
    data.seek(0)
    return data
