"""Shell pages: home, sign-in/out, password, API tokens, health, language, and error pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from . import selectors
from .audit import client_ip
from .errors import DomainError
from .home import panels_for
from .services import (
    login_failure_record,
    login_record,
    logout_record,
    password_change_record,
    token_create,
    token_revoke,
)


@login_required
def home(request):
    """The role home page: what is waiting for this person."""
    return render(request, "core/home.html", {"panels": panels_for(request)})


@require_GET
def favicon(request):
    """/favicon.ico, which browsers and bookmarks ask for by that name, is the static icon."""
    # Not permanent: the icon's collected name carries its content hash, which a new icon
    # changes; a day's cache spares the redirect on every page.
    response = HttpResponseRedirect(static("core/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def healthz(request):
    """200 when the database answers; 503 otherwise (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        login_record(person=form.get_user(), ip=client_ip(self.request))
        return response

    def form_invalid(self, form):
        if not getattr(self.request, "axes_locked_out", False):
            login_failure_record(
                username=self.request.POST.get("username", ""), ip=client_ip(self.request)
            )
        return super().form_invalid(form)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        logout_record(person=request.user, ip=client_ip(request))
    from django.contrib.auth import logout

    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"

    def get_success_url(self):
        return "/"

    def form_valid(self, form):
        response = super().form_valid(form)
        revoked = password_change_record(person=self.request.user, ip=client_ip(self.request))
        messages.success(self.request, _("Your password has been changed."))
        if revoked:
            messages.info(
                self.request,
                ngettext(
                    "Your API token was revoked with the old password; make a new one for "
                    "your scripts.",
                    "Your %(count)d API tokens were revoked with the old password; make new "
                    "ones for your scripts.",
                    revoked,
                )
                % {"count": revoked},
            )
        return response


def _cooloff_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_message() -> str:
    minutes = _cooloff_minutes()
    return ngettext(
        "Too many failed sign-in attempts. This account is locked; try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. This account is locked; try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, response=None, credentials=None):
    """django-axes calls this when a locked account tries again: say how long to wait."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    login_failure_record(username=username, ip=client_ip(request), locked=True)
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "locked", "message": lockout_message()}, status=429)
    return render(
        request, "registration/login.html", {"lockout": lockout_message(), "form": None}, status=429
    )


@login_required
def tokens(request):
    """List, create and revoke personal API tokens."""
    new_token = None
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                token_revoke(
                    person=request.user, token_id=int(request.POST["revoke"]), ip=client_ip(request)
                )
                messages.success(request, _("The token has been revoked."))
                return redirect("tokens")
            _token, new_token = token_create(
                person=request.user, name=request.POST.get("name", ""), ip=client_ip(request)
            )
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("The request is not valid.")))
            return redirect("tokens")
    return render(
        request,
        "core/tokens.html",
        {"tokens": selectors.tokens_of(person=request.user), "new_token": new_token},
    )


@require_POST
def set_language(request):
    """Switch the interface language (kept in a cookie) and go back where the user was."""
    language = request.POST.get("language", settings.LANGUAGE_CODE)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    if request.user.is_authenticated:
        # Remembered on the person too: e-mails sent to them later follow it.
        from wenming.org.services import person_language_set

        person_language_set(person=request.user, language=language)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.PRODUCTION,
    )
    return response


def _error(request, status: int, title: str, message: str):
    if request.path.startswith("/api/"):
        codes = {400: "invalid", 403: "forbidden", 404: "not_found", 500: "internal"}
        return JsonResponse({"error": codes[status], "message": message}, status=status)
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": title, "message": message},
        status=status,
    )


def error_400(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def error_403(request, exception=None):
    return _error(
        request,
        403,
        _("Access denied"),
        _(
            "You do not have permission to see this page. If you think you should, ask the Civilization Office."
        ),
    )


def error_404(request, exception=None):
    return _error(
        request,
        404,
        _("Page not found"),
        _("The page does not exist, or it lies outside the data you may see."),
    )


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's own page was unstyled, half in English and told the user to
    set DEBUG. A stale form (a page left open past its session, a second tab signed out) is the
    usual cause, so say what to do: go back, reload, send again."""
    return _error(
        request,
        403,
        _("The form has expired"),
        _(
            "This form was opened too long ago or in a session that has ended. Go back, reload "
            "the page and send it again; what you typed may need to be entered again."
        ),
    )


def error_500(request):
    return _error(
        request,
        500,
        _("Something went wrong"),
        _("An internal error occurred. It has been logged; please try again later."),
    )
