"""The task ledger (filters, counts, keyset pages), its streamed Excel, and the timeline."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from pydantic import TypeAdapter, ValidationError

from wenming.core.errors import DomainError, InvalidInput
from wenming.core.ids import RowId, row_id
from wenming.core.roles import is_office
from wenming.core.scope import scope_queryset
from wenming.org.models import Region, Unit
from wenming.problems.export import CONTENT_TYPE, xlsx_chunks
from wenming.standards.models import Standard

from .. import implementations, selectors
from ..models import Status, WorkPlan
from .common import or_404

# The query string's ids and flags are read as /api/v1/tasks reads its own (pydantic: an id
# within 64 bits; 1/0, true/false, on/off, yes/no), and status and missing implementation are
# checked by `LedgerFilters.clean`, which the API's filters pass through too: a link means the
# same on the page, in its Excel and through the API.
_ID = TypeAdapter(RowId)
_FLAG = TypeAdapter(bool)


def _read(get, name: str, adapter: TypeAdapter, *, label, message: str):
    """The query string's `name` read by `adapter`; None when it is not given. A value that
    cannot be read is refused with `message` (its field and value filled in): dropping it
    would list, or export, everything as if no filter had been asked."""
    text = (get.get(name) or "").strip()
    if not text:
        return None
    try:
        return adapter.validate_python(text)
    except ValidationError:
        raise InvalidInput(
            message % {"field": label, "value": text[:40]}, code="bad_filter"
        ) from None


def _id(get, name: str, label) -> int | None:
    message = _("The %(field)s filter is not an id: %(value)s.")
    return _read(get, name, _ID, label=label, message=message)


def _flag(get, name: str, label) -> bool:
    message = _("The %(field)s filter is 1 or 0, not %(value)s.")
    return bool(_read(get, name, _FLAG, label=label, message=message))


def _filters(request) -> selectors.LedgerFilters:
    """The ledger's filters from the query string, the same for the page and its Excel;
    InvalidInput (with the reason, in the reader's language) for one that cannot be read."""
    get = request.GET
    return selectors.LedgerFilters(
        campaign=_id(get, "campaign", _("Campaign")),
        plan=_id(get, "plan", _("Work plan")),
        unit=_id(get, "unit", _("Unit")),
        region=_id(get, "region", _("Region")),
        status=get.get("status") or None,
        overdue=_flag(get, "overdue", _("Overdue")),
        standard=_id(get, "standard", _("Standard")),
        missing=get.get("missing") or None,
        drafts=_flag(get, "drafts", _("Drafts")) and is_office(request.user),
    ).clean()


def _choices(request, campaign):
    actor = request.user
    standards = (
        Standard.objects.filter(system=campaign.system).order_by("code").values("pk", "code")
        if campaign
        else []
    )
    return {
        "units": scope_queryset(Unit.objects.filter(is_active=True), actor).order_by("code"),
        "regions": scope_queryset(Region.objects.exclude(level="community"), actor).order_by(
            "path"
        )[:300],
        "standards": standards,
        "statuses": Status.choices,
        "implementations": [(c, implementations.LABELS[c]) for c in implementations.CODES],
        "plans": WorkPlan.objects.filter(campaign=campaign) if campaign else [],
    }


def _refused(request, error: DomainError):
    """The ledger page with the reason a filter was refused and no task (4xx): never the whole
    ledger as if the filter had not been asked."""
    actor = request.user
    campaign = selectors.campaign_current(actor=actor)
    return render(
        request,
        "plans/ledger.html",
        {
            "error": error.message,
            "filters": selectors.LedgerFilters(),
            "campaign": campaign,
            "is_office": is_office(actor),
            **_choices(request, campaign),
        },
        status=error.status,
    )


@login_required
def ledger(request):
    actor = request.user
    try:
        filters = _filters(request)
    except DomainError as exc:
        return _refused(request, exc)
    campaign = (
        or_404(selectors.campaign_get, actor=actor, campaign_id=filters.campaign)
        if filters.campaign
        else selectors.campaign_current(actor=actor)
    )
    try:
        page = selectors.task_ledger(actor=actor, filters=filters, cursor=request.GET.get("after"))
    except DomainError:
        raise Http404 from None
    counts = selectors.task_counts(actor=actor, filters=filters)
    # A region or unit outside the reader's area lists nothing: say why, as the problem
    # ledger does, rather than "no task matches".
    outside = (
        filters.region is not None
        and not scope_queryset(Region.objects.filter(pk=filters.region), actor).exists()
    ) or (
        filters.unit is not None
        and not scope_queryset(Unit.objects.filter(pk=filters.unit), actor).exists()
    )
    query = request.GET.copy()
    query.pop("after", None)
    status_labels = dict(Status.choices)
    return render(
        request,
        "plans/ledger.html",
        {
            "page": page,
            "counts": counts,
            "count_rows": [(v, status_labels[v], n) for v, n in counts["by_status"].items()],
            "filters": filters,
            "campaign": campaign,
            "query": query.urlencode(),
            "labels": implementations.LABELS,
            "status_labels": status_labels,
            "is_office": is_office(actor),
            "outside": outside,
            **_choices(request, campaign),
        },
    )


EXPORT_COLUMNS = [
    (gettext_lazy("ID"), "id", 8),
    (gettext_lazy("Task"), "title", 50),
    (gettext_lazy("Status"), "status", 16),
    (gettext_lazy("Lead unit"), "lead_unit_name", 24),
    (gettext_lazy("Person in charge"), "person_in_charge__display_name", 16),
    (gettext_lazy("Start"), "start", 12),
    (pgettext_lazy("task", "Deadline"), "deadline", 12),
    (gettext_lazy("Progress (%)"), "progress_percent", 10),
    (gettext_lazy("Last progress report"), "last_progress_on", 14),
    (gettext_lazy("Overdue"), "overdue", 8),
    (gettext_lazy("Missing implementations"), "missing_text", 40),
]


@login_required
def export(request):
    """The ledger under the current filters as .xlsx, written while it is sent."""
    actor = request.user
    try:
        filters = _filters(request)
    except DomainError as exc:
        return _refused(request, exc)
    # Worked out now, in the reader's language: the file is written after this returns.
    labels = {c: str(implementations.LABELS[c]) for c in implementations.CODES}
    separator = pgettext("list separator", ", ")
    columns = [(str(label), field, width) for label, field, width in EXPORT_COLUMNS]

    def rows():
        for row in selectors.ledger_export_rows(actor=actor, filters=filters):
            row["missing_text"] = separator.join(labels[c] for c in row["missing"])
            yield tuple(row[field] for _label, field, _width in columns)

    from django.http import StreamingHttpResponse

    response = StreamingHttpResponse(
        xlsx_chunks(
            rows(),
            columns=columns,
            labels={
                "status": {v: str(label) for v, label in Status.choices},
                # Words, not Excel's TRUE/FALSE, which read as English in a Chinese sheet.
                "overdue": {True: pgettext("overdue", "Yes"), False: pgettext("overdue", "No")},
            },
            title=_("Task ledger"),
            tz=timezone.get_current_timezone(),
        ),
        content_type=CONTENT_TYPE,
    )
    filename = f"{_('Task ledger')}-{timezone.localdate().isoformat()}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Accel-Buffering"] = "no"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def timeline(request):
    """Bars per task from start to deadline, with milestones, for one unit or one plan."""
    actor = request.user
    get = request.GET
    unit_id = row_id(get.get("unit"))
    plan_id = row_id(get.get("plan"))
    if unit_id is None and plan_id is None and getattr(actor, "unit_id", None):
        unit_id = actor.unit_id
    plan = or_404(selectors.plan_get, actor=actor, plan_id=plan_id) if plan_id else None
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    campaign = plan.campaign if plan else selectors.campaign_current(actor=actor)
    data = selectors.timeline(
        actor=actor,
        unit_id=unit_id,
        plan_id=plan_id,
        campaign_id=campaign.pk if campaign else None,
    )
    return render(
        request,
        "plans/timeline.html",
        {
            "data": data,
            "unit": unit,
            "plan": plan,
            "campaign": campaign,
            "units": scope_queryset(Unit.objects.filter(is_active=True), actor).order_by("code"),
            "plans": WorkPlan.objects.filter(campaign=campaign) if campaign else [],
            "status_labels": dict(Status.choices),
        },
    )
