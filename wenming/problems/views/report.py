"""The report form (office, officers, inspectors, evaluators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wenming.core.errors import DomainError
from wenming.org.roles import is_office
from wenming.org.selectors import regions_visible

from .. import selectors, services
from ..forms import (
    ProblemForm,
)
from ..models import Source
from ..services.creation import REPORTERS, report_sources


@login_required
def create(request):
    """Report a problem (office, officers, inspectors, evaluators)."""
    actor = request.user
    if actor.role not in REPORTERS:
        raise PermissionDenied(_("Your role may not report problems."))
    kwargs = {
        "regions": regions_visible(actor=actor),
        "categories": selectors.categories_visible(actor=actor, active_only=True),
        "sources": report_sources(actor),
    }
    # The office mostly records calls and hotline tickets; an inspection would auto-dispatch.
    initial = {"source": Source.CITIZEN} if is_office(actor) else {}
    form = ProblemForm(request.POST or None, request.FILES or None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            photos = services.validate_photos(data.get("photos") or [])
            problem = services.problem_create(
                actor=actor,
                title=data["title"],
                category=data["category"],
                source=data["source"],
                severity=data["severity"],
                region=data["region"],
                address=data["address"],
                lat=data["lat"],
                lon=data["lon"],
                description=data["description"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                is_anonymous=data["is_anonymous"],
                hotline_ticket=data["hotline_ticket"],
                photos=photos,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            # A refusal keeps its own status (503 when the file store is down, so retry).
            return render(request, "problems/new.html", {"form": form}, status=exc.status)
        else:
            messages.success(request, _("Problem %(code)s was recorded.") % {"code": problem.code})
            if selectors.problems_visible(actor=actor).filter(pk=problem.pk).exists():
                return redirect("problems:detail", code=problem.code)
            return redirect("problems:ledger")
    return render(request, "problems/new.html", {"form": form}, status=400 if form.errors else 200)
