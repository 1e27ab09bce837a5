"""GeoReport v2 at /open311/: discovery at the root, the methods under v2/ (issue 13)."""

from django.urls import path, re_path

from . import pages, views

app_name = "open311"

FORMAT = r"(?P<fmt>json|xml)"

urlpatterns = [
    path("", views.root, name="root"),
    path("keys/", pages.keys_page, name="keys"),
    re_path(rf"^discovery\.{FORMAT}$", views.discovery, name="discovery"),
    re_path(rf"^v2/discovery\.{FORMAT}$", views.discovery),
    re_path(rf"^v2/services\.{FORMAT}$", views.services, name="services"),
    re_path(
        rf"^v2/services/(?P<service_code>[^/]+?)\.{FORMAT}$",
        views.service_definition,
        name="service",
    ),
    re_path(rf"^v2/requests\.{FORMAT}$", views.requests, name="requests"),
    re_path(
        rf"^v2/requests/(?P<service_request_id>[^/]+?)\.{FORMAT}$",
        views.request_detail,
        name="request",
    ),
    # Anything else is the specification's 404, never the site's HTML page; `keys` without
    # its slash is left unmatched, so Django redirects it to the keys page (APPEND_SLASH).
    re_path(r"^(?!keys$)", views.not_found),
]
