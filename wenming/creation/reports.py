"""The registry's documents, made by the worker (`wenming.core.jobs`):

- the honour roll (Excel): every honour in force, by type, county and level;
- the coverage table (Excel): per county, the share reached, the target, the gap, the trend;
- the notice list (Word): the applications in their public notice, for publication.

Each is made for the person who asked, over what they may see (the selectors), in the language
they used when they asked (as every job: `wenming.core.jobs`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from wenming.core.errors import InvalidInput, NotAllowed
from wenming.core.jobs import job_start
from wenming.core.roles import Role
from wenming.core.spreadsheets import append_row
from wenming.core.wordfiles import new_document

from . import coverage, selectors

ROLL = "creation.honour_roll"
COVERAGE = "creation.coverage_table"
NOTICE = "creation.notice_list"
KINDS = {"roll": ROLL, "coverage": COVERAGE, "notice": NOTICE}
NO_REPORTS = (Role.INSPECTOR, Role.EVALUATOR)


def export_start(*, actor, kind: str, type_code: str = ""):
    """Queue one of the registry's documents for `actor`; returns the Job."""
    if kind not in KINDS:
        raise InvalidInput(_("Unknown kind of document."), code="bad_report_kind")
    if getattr(actor, "role", None) in NO_REPORTS or not getattr(actor, "role", None):
        raise NotAllowed(_("Your role does not make registry documents."))
    type_ = selectors.type_get(actor=actor, code=type_code) if type_code else None
    if kind == "coverage" and type_ is None:
        raise InvalidInput(_("Choose a type for the coverage table."), code="type_required")
    titles = {
        "roll": _("Honour roll"),
        "coverage": _("Coverage table"),
        "notice": _("Public notice list"),
    }
    title = titles[kind] + (f" · {type_.display_name}" if type_ else "")
    return job_start(
        owner=actor,
        kind=KINDS[kind],
        params={"type": type_code},
        title=title,
    )


def _type(job):
    code = job.params.get("type") or ""
    return selectors.type_get(actor=job.owner, code=code) if code else None


def _f(value):
    return float(value) if value is not None else None


def make_roll(*, job, out, progress) -> str:
    from openpyxl import Workbook

    rows = selectors.honour_roll(actor=job.owner, type=_type(job))
    progress.total(rows.count())
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Honour roll"))
    header = [
        _("Type"),
        _("Name"),
        _("County-level region"),
        _("Region"),
        _("Honour level"),
        _("Year"),
        _("Approved on"),
        _("Valid until"),
        _("Status"),
        _("Score"),
    ]
    append_row(sheet, header)
    for a in rows.iterator(chunk_size=2000):
        append_row(
            sheet,
            [
                a.type.display_name,
                a.entry.name,
                a.district.display_name if a.district else "",
                a.region.display_name,
                a.get_level_display(),
                a.year,
                a.approved_on,
                a.valid_until,
                a.get_status_display(),
                _f(a.office_score),
            ],
        )
        progress()
    book.save(out)
    return "honour-roll.xlsx"


def make_coverage(*, job, out, progress) -> str:
    from openpyxl import Workbook

    kind = _type(job)
    rows = coverage.coverage(actor=job.owner, type=kind)
    progress.total(len(rows))
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Coverage"))
    append_row(sheet, [kind.display_name])
    append_row(
        sheet,
        [
            _("County-level region"),
            _("Candidates"),
            _("Reached"),
            _("Share (%)"),
            _("Target (%)"),
            _("At least"),
            _("By"),
            _("More needed"),
            _("Gap (points)"),
            _("Met"),
            _("Gained in 12 months"),
            _("Lost in 12 months"),
            _("Own campaign's scheme"),
        ],
    )
    for r in rows:
        t = r.target
        append_row(
            sheet,
            [
                r.district.display_name,
                r.population,
                r.reached,
                _f(r.share),
                _f(t.share) if t else None,
                t.get_min_level_display() if t else "",
                t.due_on if t else None,
                r.needed,
                _f(r.gap),
                "" if r.met is None else (_("yes") if r.met else _("no")),
                r.gained,
                r.lost,
                r.campaign.code if r.campaign else "",
            ],
        )
        progress()
    total = coverage.totals(rows)
    append_row(sheet, [_("Total"), total["population"], total["reached"], _f(total["share"])])
    book.save(out)
    return f"coverage-{kind.code}.xlsx"


def make_notice(*, job, out, progress) -> str:
    rows = list(selectors.notice_list(actor=job.owner, type=_type(job)))
    progress.total(len(rows) + 1)
    doc = new_document()
    doc.add_heading(_("Public notice of the proposed civilized honours"), level=1)
    doc.add_paragraph(
        _(
            "The following are proposed for the honours below. Anyone with an objection "
            "may raise it with the Civilization Office before the end of the notice period."
        )
    )
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        [
            _("Type"),
            _("Name"),
            _("County-level region"),
            _("Honour level"),
            _("Notice from"),
            _("Notice until"),
        ],
        strict=True,
    ):
        cell.text = str(text)
    for a in rows:
        cells = table.add_row().cells
        values = [
            a.type.display_name,
            a.entry.name,
            a.district.display_name if a.district else a.region.display_name,
            a.get_level_display(),
            a.notice_starts.isoformat() if a.notice_starts else "",
            a.notice_ends.isoformat() if a.notice_ends else "",
        ]
        for cell, text in zip(cells, values, strict=True):
            cell.text = str(text)
        progress()
    if not rows:
        doc.add_paragraph(_("No application is in its public notice."))
    doc.save(out)
    progress()
    return "public-notice.docx"
