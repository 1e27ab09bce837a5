"""A subject's score page: every component's value, weight and contribution (adding up to the
composite), what lies behind them, the months before and the escalation ladder."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from wenming.core.errors import NotFound

from .. import selectors
from ..models import Component
from .common import month_links, month_or_error


@login_required
def subject_page(request, subject: str):
    period, snapshot, refused = month_or_error(request)
    if refused:
        return refused
    if snapshot is None:
        return render(
            request,
            "scoring/subject.html",
            {
                "period": period,
                "month": period.label if period else "",
                "score": None,
                "subject": subject,
                "links": month_links(period),
            },
        )
    try:
        score = selectors.score_get(actor=request.user, subject=subject, snapshot=snapshot)
    except NotFound:
        raise Http404 from None
    components = selectors.components_of(score)
    for c in components:
        c.label = Component(c.key).label
    total = sum((c.contribution for c in components), Decimal(0))
    return render(
        request,
        "scoring/subject.html",
        {
            "period": period,
            "month": period.label,
            "snapshot": snapshot,
            "score": score,
            "subject": subject,
            "name": selectors.subject_name(score),
            "components": components,
            "total": total,
            "evidence": selectors.evidence(actor=request.user, score=score),
            "history": selectors.history(score=score),
            "step": selectors.ladder_state(subject=score.subject, month=score.month),
            "steps": selectors.ladder_history(subject=score.subject),
            "links": month_links(period),
        },
    )
