"""One task's page: its fields, the six implementations, milestones, progress reports with
attachments, the timeline, and the forms its reader may use (report progress, start, submit,
accept or return, add a milestone, edit). A refused form re-renders the page with the reason
beside it and the refusal's status (4xx); a success redirects back to the page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.documents import document_response
from wenming.core.errors import DomainError
from wenming.core.roles import Role, is_office
from wenming.org.models import Person, Unit

from .. import implementations, lifecycle, selectors
from ..models import Action
from ..services import tasks as services
from .common import form_date, form_int, or_404


def _page(request, pk, *, error=None, form=None, status=200):
    actor = request.user
    detail = or_404(selectors.task_detail, actor=actor, task_id=pk)
    task = detail["task"]
    actions = [
        (a, Action(a).label)
        for a in lifecycle.allowed_actions(task.status)
        if task.is_published and lifecycle.may_act(actor, task, a)
    ]
    office = is_office(actor)
    context = {
        **detail,
        "labels": implementations.LABELS,
        "codes": implementations.CODES,
        "actions": actions,
        "may_report": task.is_published
        and task.status in lifecycle.REPORTABLE
        and lifecycle.may_report(actor, task),
        "may_milestone": bool(
            {lifecycle.OFFICE, lifecycle.HANDLER} & lifecycle.relations(actor, task)
        ),
        # The progress form's bounds are the service's, so the browser and the server agree.
        "progress_first_day": services.progress_first_day(task),
        "progress_max": services.MAX_PROGRESS_TEXT,
        "is_office": office,
        "error": error,
        "error_form": form,
        "post": request.POST if error else {},
    }
    if office:
        context["units"] = Unit.objects.filter(is_active=True).order_by("code")
        context["people"] = Person.objects.filter(
            is_active=True, role__in=(Role.UNIT_OFFICER, Role.REGION_OFFICER)
        ).order_by("username")
    return render(request, "plans/task.html", context, status=status)


@login_required
def task_page(request, pk):
    return _page(request, pk)


def _run(request, pk, form, fn):
    try:
        fn()
    except DomainError as exc:
        return _page(request, pk, error=exc.message, form=form, status=exc.status)
    return redirect("plans:task", pk)


@login_required
@require_POST
def progress(request, pk):
    or_404(selectors.task_get, actor=request.user, task_id=pk)

    def run():
        services.task_progress_report(
            actor=request.user,
            task=pk,
            percent=form_int(request.POST.get("percent"), field=_("Progress")),
            text=request.POST.get("text", ""),
            reported_on=form_date(request.POST.get("reported_on"), required=False),
            files=request.FILES.getlist("files"),
        )

    return _run(request, pk, "progress", run)


@login_required
@require_POST
def move(request, pk):
    or_404(selectors.task_get, actor=request.user, task_id=pk)
    return _run(
        request,
        pk,
        "move",
        lambda: services.task_transition(
            actor=request.user,
            task=pk,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
        ),
    )


@login_required
@require_POST
def milestone_add(request, pk):
    or_404(selectors.task_get, actor=request.user, task_id=pk)
    return _run(
        request,
        pk,
        "milestone",
        lambda: services.milestone_add(
            actor=request.user,
            task=pk,
            title=request.POST.get("title", ""),
            deadline=form_date(request.POST.get("deadline")),
        ),
    )


@login_required
@require_POST
def milestone_done(request, pk, milestone_id):
    or_404(selectors.task_get, actor=request.user, task_id=pk)
    return _run(
        request,
        pk,
        "milestone",
        lambda: services.milestone_done(actor=request.user, milestone=milestone_id),
    )


@login_required
@require_POST
def edit(request, pk):
    or_404(selectors.task_get, actor=request.user, task_id=pk)
    post = request.POST

    def run():
        lead = post.get("lead_unit", "")
        person = post.get("person_in_charge", "")
        services.task_update(
            actor=request.user,
            task=pk,
            title=post.get("title", ""),
            description=post.get("description", ""),
            start=form_date(post.get("start")),
            deadline=form_date(post.get("deadline")),
            lead_unit=Unit.objects.filter(pk=lead).first() if lead.isdigit() else None,
            person_in_charge=Person.objects.filter(pk=person).first() if person.isdigit() else None,
        )

    return _run(request, pk, "edit", run)


@login_required
def attachment(request, pk):
    found = or_404(selectors.attachment_get, actor=request.user, attachment_id=pk)
    try:
        return document_response(found.name, filename=found.filename)
    except DomainError as exc:
        from django.http import HttpResponse

        return HttpResponse(str(exc.message), status=exc.status)
