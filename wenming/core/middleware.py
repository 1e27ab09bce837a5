"""Language choice: the user's cookie or session, else zh-Hans — never the browser's guess."""

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """zh-Hans is the office's language; English only when the user switched to it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RejectNulBytesMiddleware:
    """Refuse NUL characters in the URL or query string with a 400 before any view runs.

    PostgreSQL cannot store or compare text containing NUL, so such input would otherwise
    surface as a database error (a 500) in whichever filter first touched it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            from django.http import JsonResponse
            from django.utils.translation import gettext as _

            message = _("The address contains a NUL character, which is not allowed.")
            if request.path.startswith("/api/"):
                return JsonResponse({"error": "invalid", "message": message}, status=400)
            from wenming.core.views import error_400

            return error_400(request)
        return self.get_response(request)
