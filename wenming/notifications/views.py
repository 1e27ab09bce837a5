"""Pages of the notifications app: the inbox for everyone; deliveries and robots for the office."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from wenming.core.errors import InvalidInput, NotAllowed, NotFound
from wenming.core.ids import MAX_ROW_ID

from . import selectors, services
from .forms import WebhookChannelForm
from .models import DeliveryStatus


def domain_errors(view):
    """Show domain errors as the shell's 403/404 pages (bad input is handled by each view)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # An id past the database's integer range cannot exist (and must not reach SQLite).
        if any(k.endswith("_id") and v > MAX_ROW_ID for k, v in kwargs.items()):
            raise Http404()
        try:
            return view(request, *args, **kwargs)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc

    return wrapper


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    # A path of this site only: redirect() would read a bare word as a view's name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- inbox ----------------------------------------------------------------------------------


@login_required
def inbox(request):
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(selectors.inbox(actor=request.user, unread_only=unread_only), 25)
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "unread_only": unread_only,
            "unread": selectors.unread_count(actor=request.user),
        },
    )


@login_required
@require_POST
@domain_errors
def message_read(request, message_id: int):
    message = services.message_mark_read(message_id=message_id, actor=request.user)
    if request.headers.get("HX-Request"):
        return render(request, "notifications/_message_row.html", {"message": message})
    return redirect(_safe_next(request, "notifications:inbox"))


@login_required
@require_POST
@domain_errors
def message_open(request, message_id: int):
    """Mark as read and go to what the message is about."""
    message = services.message_mark_read(message_id=message_id, actor=request.user)
    url = message.notice.url
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request):
    count = services.message_mark_all_read(actor=request.user)
    messages.success(
        request,
        ngettext("%(count)d message marked as read.", "%(count)d messages marked as read.", count)
        % {"count": count},
    )
    return redirect("notifications:inbox")


# --- deliveries (office) -------------------------------------------------------------------


@login_required
@domain_errors
def deliveries(request):
    status = request.GET.get("status") or "failed"
    if status not in [*DeliveryStatus.values, "gave_up", "all"]:
        status = "failed"
    rows = selectors.deliveries(actor=request.user, status=None if status == "all" else status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/deliveries.html",
        {
            "page": page,
            "status": status,
            "counts": selectors.delivery_counts(actor=request.user),
        },
    )


@login_required
@require_POST
@domain_errors
def delivery_retry(request, delivery_id: int):
    try:
        services.delivery_retry(delivery_id=delivery_id, actor=request.user)
        messages.success(request, _("The delivery will be tried again now."))
    except InvalidInput as exc:
        messages.error(request, exc.message)
    return redirect(_safe_next(request, "notifications:deliveries"))


# --- group robots (office) -----------------------------------------------------------------


def _channel_fields(form, *, keep_secret: bool) -> dict:
    data = form.cleaned_data
    secret = data["secret"]
    if data.get("clear_secret"):
        secret = ""
    elif keep_secret and not secret:
        secret = None  # keep what is stored
    return {
        "name": data["name"],
        "kind": data["kind"],
        "url": data["url"],
        "secret": secret,
        "kinds": data["kinds"],
        "region": data["region"],
        "unit": data["unit"],
        "is_active": data["is_active"],
    }


@login_required
@domain_errors
def channels(request):
    rows = selectors.channels(actor=request.user)
    form = WebhookChannelForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        fields = _channel_fields(form, keep_secret=False)
        try:
            services.webhook_channel_create(actor=request.user, **fields)
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The group robot has been added."))
            return redirect("notifications:channels")
    return render(request, "notifications/channels.html", {"channels": rows, "form": form})


@login_required
@domain_errors
def channel_edit(request, channel_id: int):
    channel = selectors.channel_get(actor=request.user, channel_id=channel_id)
    initial = {
        "name": channel.name,
        "kind": channel.kind,
        "url": channel.url,
        "kinds": channel.kinds,
        "region": channel.region,
        "unit": channel.unit,
        "is_active": channel.is_active,
    }
    form = WebhookChannelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_channel_update(
                actor=request.user, channel_id=channel.pk, **_channel_fields(form, keep_secret=True)
            )
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The group robot has been saved."))
            return redirect("notifications:channels")
    return render(request, "notifications/channel_form.html", {"channel": channel, "form": form})


@login_required
@require_POST
@domain_errors
def channel_delete(request, channel_id: int):
    services.webhook_channel_delete(actor=request.user, channel_id=channel_id)
    messages.success(request, _("The group robot has been removed."))
    return redirect("notifications:channels")


@login_required
@require_POST
@domain_errors
def channel_test(request, channel_id: int):
    result = services.webhook_channel_test(actor=request.user, channel_id=channel_id)
    if result.ok:
        messages.success(request, _("The test message was delivered."))
    else:
        messages.error(request, _("The test message failed: %(error)s") % {"error": result.error})
    return redirect("notifications:channels")
