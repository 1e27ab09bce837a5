"""The office's pages for citizen reports: the triage queue (new reports with the ledger's
duplicate suggestions; register, reject with a public reason, merge), the review of "not
satisfied" ratings, and the portal's settings (switches, limits, categories, templates).

Each action is a form post answered in place when htmx sends it (architecture.md "In-page
actions"): the report's main block comes back with the outcome (`action-result`), or on a
refusal with 4xx and the reason beside the refused form, which htmx keeps as it was. Without
htmx the same post answers the whole page (4xx) or redirects to the queue. A refusal changes
nothing (the services' transactions roll back)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError
from wenming.org.roles import is_office
from wenming.problems import selectors as ledger
from wenming.problems.models import Category, Status

from .. import selectors, services
from ..forms import SettingsForm, TemplateForm
from ..models import PublicCategory, Review


def _office(request):
    if not is_office(request.user):
        raise PermissionDenied(_("Only the Civilization Office may do this."))
    return request.user


@login_required
def triage(request):
    actor = _office(request)
    return render(
        request,
        "public/office/triage.html",
        {
            "queue": selectors.triage_queue(actor=actor),
            "reviews": selectors.review_queue(actor=actor),
        },
    )


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _detail(request, report, *, error="", status=200, action="", result=""):
    actor = request.user
    candidates = ledger.duplicate_candidates(actor=actor, problem=report.problem)
    template = (
        "public/office/_report_main.html" if _is_htmx(request) else "public/office/report.html"
    )
    return render(
        request,
        template,
        {
            "report": report,
            "problem": report.problem,
            "candidates": candidates,
            "timeline": selectors.public_timeline(report.problem, report=report),
            "error": error,
            "error_action": action,
            "result": result,
            "is_new": report.problem.status == Status.NEW,
            "review_pending": report.review == Review.PENDING,
            "post": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@login_required
def report_detail(request, pk):
    actor = _office(request)
    report = selectors.citizen_report_get(actor=actor, pk=pk)
    if report is None:
        raise Http404
    return _detail(request, report)


@login_required
@require_POST
def report_act(request, pk, action):
    """register / reject / merge a new citizen report; reopen / uphold a reviewed rating."""
    actor = _office(request)
    report = selectors.citizen_report_get(actor=actor, pk=pk)
    if report is None:
        raise Http404
    post = request.POST
    try:
        if action == "register":
            services.citizen_report_register(
                report=report, actor=actor, public_text=post.get("public_text", "")
            )
            done = _("Registered; the citizen sees it on the follow page.")
        elif action == "reject":
            services.citizen_report_reject(
                report=report,
                actor=actor,
                public_reason=post.get("public_reason", ""),
                note=post.get("note", ""),
            )
            done = _("Rejected; the citizen reads your reason.")
        elif action == "merge":
            code = (post.get("into") or "").strip().upper()
            into = ledger.problems_visible(actor=actor).filter(code=code).first() if code else None
            if into is None:
                return _detail(
                    request,
                    report,
                    error=_("No problem has the code %(code)s.") % {"code": code or "—"},
                    status=400,
                    action=action,
                )
            services.citizen_report_merge(
                report=report, actor=actor, into=into, public_text=post.get("public_text", "")
            )
            done = _("Merged into %(code)s; the citizen now follows it.") % {"code": into.code}
        elif action in ("reopen", "uphold"):
            services.citizen_review_decide(
                report=report,
                actor=actor,
                reopen=action == "reopen",
                public_text=post.get("public_text", ""),
                note=post.get("note", ""),
            )
            done = _("Review recorded; the citizen reads your reply.")
        else:
            raise Http404
    except DomainError as exc:
        report = selectors.citizen_report_get(actor=actor, pk=pk)
        return _detail(request, report, error=exc.message, status=exc.status, action=action)
    if _is_htmx(request):
        again = selectors.citizen_report_get(actor=actor, pk=pk)
        if again is not None:
            return _detail(request, again, result=done)
    messages.success(request, done)
    return redirect("public:triage")


def _category_rows():
    public = {row.category_id: row for row in PublicCategory.objects.all()}
    return [
        (category, public.get(category.pk))
        for category in Category.objects.filter(is_active=True).order_by("sort_order", "code")
    ]


@login_required
def settings_page(request):
    """The portal's switches and limits, public categories and response templates."""
    actor = _office(request)
    current = selectors.portal_settings()
    form = SettingsForm(
        initial={
            "public_map": current.public_map,
            "public_rankings": current.public_rankings,
            "reports_per_hour": current.reports_per_hour,
            "retention_days": current.retention_days,
        }
    )
    template_form = TemplateForm()
    categories = list(Category.objects.filter(is_active=True).order_by("sort_order", "code"))
    template_form.fields["category"].choices = [("", _("Every category"))] + [
        (c.pk, c.display_name) for c in categories
    ]
    status = 200
    error = ""
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "settings":
                form = SettingsForm(request.POST)
                if not form.is_valid():
                    status = 400
                else:
                    services.portal_settings_update(actor=actor, **form.cleaned_data)
                    messages.success(request, _("The portal's settings were saved."))
                    return redirect("public:settings")
            elif what == "category":
                category = Category.objects.filter(pk=request.POST.get("category")).first()
                if category is None:
                    raise Http404
                services.public_category_set(
                    actor=actor,
                    category=category,
                    is_public=request.POST.get("is_public") == "on",
                    hint=request.POST.get("hint", ""),
                    hint_en=request.POST.get("hint_en", ""),
                    sort_order=request.POST.get("sort_order") or 100,
                )
                messages.success(request, _("The category was saved."))
                return redirect(reverse("public:settings") + "#categories")
            elif what == "template":
                template_form = TemplateForm(request.POST)
                template_form.fields["category"].choices = [("", "")] + [
                    (c.pk, c.display_name) for c in categories
                ]
                if not template_form.is_valid():
                    status = 400
                else:
                    data = template_form.cleaned_data
                    category = (
                        Category.objects.filter(pk=data["category"]).first()
                        if data["category"]
                        else None
                    )
                    services.response_template_set(
                        actor=actor,
                        category=category,
                        status=data["status"],
                        text=data["text"],
                        text_en=data["text_en"],
                    )
                    messages.success(request, _("The response template was saved."))
                    return redirect(reverse("public:settings") + "#templates")
            elif what == "template_delete":
                template = selectors.response_template_get(request.POST.get("template"))
                if template is None:
                    raise Http404
                services.response_template_delete(actor=actor, template=template)
                return redirect(reverse("public:settings") + "#templates")
            else:
                raise Http404
        except DomainError as exc:
            error, status = exc.message, exc.status
    return render(
        request,
        "public/office/settings.html",
        {
            "form": form,
            "template_form": template_form,
            "category_rows": _category_rows(),
            "templates": selectors.response_templates(),
            "error": error,
        },
        status=status,
    )


__all__ = ["report_act", "report_detail", "settings_page", "triage"]
