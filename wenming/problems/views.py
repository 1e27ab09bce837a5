"""Ledger pages (thin: parse, call one service or selector, render)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def ledger(request):
    return HttpResponse("")


@login_required
def detail(request, code):
    return HttpResponse("")
