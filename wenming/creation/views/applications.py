"""Applying (self-assessment against the scheme, evidence) and an application's page: its
state, the self-assessment, the timeline with documents, objections, and the steps the reader
may take now. A step sent with htmx is answered with the steps block: the outcome in it on
success, the reason beside the kept form on a refusal (4xx)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.documents import document_response
from wenming.core.errors import DomainError, InvalidInput, NotFound
from wenming.org.models import Region

from .. import lifecycle, selectors, services
from ..models import ApplicationDocument, ApplicationStatus, Entry
from ..services.registry import READ_ONLY
from .common import chosen_type, is_htmx, or_404

LABELS = lifecycle.ACTION_LABELS


def _criteria(entry: Entry):
    from wenming.standards.models import Standard

    return list(Standard.objects.filter(system_id=entry.system_id).order_by("order", "code"))


@login_required
def apply(request):
    """The application form: for a registered entry (`?entry=`), or a new entity of a type."""
    actor = request.user
    if actor.role in READ_ONLY:
        return render(request, "creation/apply.html", {"refused": True}, status=403)
    entry = None
    entry_id = request.GET.get("entry") or request.POST.get("entry")
    if entry_id and str(entry_id).isdigit():
        entry = or_404(selectors.entry_get, actor=actor, entry_id=int(entry_id))
    types = list(selectors.types_visible(actor=actor))
    kind = entry.type if entry is not None else chosen_type(request, types)
    context = {"entry": entry, "kind": kind, "types": types, "error": None, "values": {}}
    if entry is not None:
        context["criteria"] = _criteria(entry)
    elif kind is not None:
        context["criteria"] = list(kind.system.standards.order_by("order", "code"))
    if request.method != "POST":
        return render(request, "creation/apply.html", context)
    post = request.POST
    context["values"] = post
    try:
        if entry is None:
            if kind is None:
                raise InvalidInput(_("Choose a type."))
            region = Region.objects.filter(code=post.get("region", "").strip()).first()
            if region is None:
                raise NotFound(_("No region has that code."), code="region_not_found")
            entry = services.entry_register(
                actor=actor, type=kind, name=post.get("name", ""), region=region, unit=actor.unit
            )
            context["criteria"] = _criteria(entry)
        lines = [
            {
                "criterion": s.code,
                "points": post.get(f"points-{s.code}") or 0,
                "note": post.get(f"note-{s.code}", ""),
            }
            for s in context["criteria"]
        ]
        year = post.get("year", "")
        if not year.isdigit():
            raise InvalidInput(_("Give the year."), code="bad_year")
        application = services.application_create(
            actor=actor,
            entry=entry,
            year=int(year),
            level=post.get("level", ""),
            statement=post.get("statement", ""),
            self_assessment=lines,
            documents=request.FILES.getlist("documents"),
        )
    except DomainError as exc:
        context["error"] = str(exc.message)
        return render(request, "creation/apply.html", context, status=exc.status)
    messages.success(request, _("The application is submitted."))
    return redirect("creation:application", pk=application.pk)


@login_required
def application_list(request):
    """The reader's work: applications waiting for their step, then the latest ones."""
    actor = request.user
    status = request.GET.get("status", "")
    qs = selectors.applications_visible(actor=actor, status=status or None)
    return render(
        request,
        "creation/applications.html",
        {
            "waiting": list(
                selectors.reviews_waiting(actor=actor)
                .select_related("entry", "type", "region")
                .order_by("submitted_at")[:100]
            ),
            "latest": list(qs.select_related("entry", "type", "region").order_by("-id")[:100]),
            "statuses": ApplicationStatus.choices,
            "status": status,
        },
    )


def _context(actor, application, **extra):
    """Everything the application's body shows (the page, and the block a step swaps)."""
    actions = selectors.actions_for(actor=actor, application=application)
    objections = list(application.objections.all())
    open_objections = [o for o in objections if o.is_open]
    events = list(
        application.events.select_related("actor")
        .prefetch_related("documents")
        .order_by("at", "id")
    )
    return {
        "application": application,
        "actions": [(a, LABELS[a]) for a in actions if a != lifecycle.ANSWER],
        "can_answer": lifecycle.ANSWER in actions and bool(open_objections),
        "open_objections": open_objections,
        "objections": objections,
        "events": events,
        "lines": list(application.self_assessment.select_related("standard")),
        "scored": lifecycle.SCORED,
        "need_reason": lifecycle.NEED_REASON,
        **extra,
    }


@login_required
def application_detail(request, pk):
    actor = request.user
    application = or_404(selectors.application_get, actor=actor, application_id=pk)
    return render(request, "creation/application.html", _context(actor, application))


@login_required
@require_POST
def application_step(request, pk):
    actor = request.user
    application = or_404(selectors.application_get, actor=actor, application_id=pk)
    post = request.POST
    upheld = {"yes": True, "no": False}.get(post.get("upheld", ""))
    objection = post.get("objection", "")
    try:
        application = services.application_transition(
            actor=actor,
            application=application,
            action=post.get("action", ""),
            note=post.get("note", ""),
            score=post.get("score") or None,
            objection=int(objection) if objection.isdigit() else None,
            upheld=upheld,
            source=post.get("source", ""),
            documents=request.FILES.getlist("documents"),
        )
    except DomainError as exc:
        if not is_htmx(request):
            messages.error(request, str(exc.message))
            return redirect("creation:application", pk=pk)
        application = or_404(selectors.application_get, actor=actor, application_id=pk)
        return render(
            request,
            "creation/_body.html",
            _context(actor, application, error=str(exc.message), values=post),
            status=exc.status,
        )
    done = _("Done: the application is now “%(status)s”.") % {
        "status": application.get_status_display()
    }
    if not is_htmx(request):
        messages.success(request, done)
        return redirect("creation:application", pk=pk)
    application = or_404(selectors.application_get, actor=actor, application_id=pk)
    return render(request, "creation/_body.html", _context(actor, application, result=done))


@login_required
def document(request, pk):
    """A document of an application the reader may see (404 otherwise)."""
    doc = ApplicationDocument.objects.filter(pk=pk).first()
    if doc is None:
        raise Http404
    or_404(selectors.application_get, actor=request.user, application_id=doc.application_id)
    return document_response(doc.file, filename=doc.filename)
