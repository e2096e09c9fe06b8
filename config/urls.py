"""URLs: the admin, the REST API at /api/v1/, the analysts' pages and the health endpoints.

Each part owns its own URL module: ``config.api_urls`` (the DRF router and API extras),
``interchange.urls`` (the editors' dataset upload), ``web.urls`` (HTML pages).
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from core.admin import AutocompleteView
from core.health import HealthView

admin.site.site_header = "Fogwatch editors"
admin.site.site_title = "Fogwatch admin"
admin.site.index_title = "Claims, actors, places and sources"


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page says: send them to the SVG the pages name. The
    address is worked out per request (after collectstatic it carries the file's hash) and the
    redirect is temporary, so a new icon is never hidden behind a cached redirect to the old one."""
    return HttpResponseRedirect(static("favicon.svg"))


# Errors no view answered: JSON under /api/, the site's templates elsewhere.
handler400 = "core.api.errors.bad_request"
handler403 = "core.api.errors.permission_denied"
handler404 = "core.api.errors.page_not_found"
handler500 = "core.api.errors.server_error"

urlpatterns = [
    # Webhooks moved from the claims app to notifications: old admin links still lead there.
    re_path(
        r"^admin/claims/(?P<model>webhooksubscription|webhookdelivery)/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/notifications/%(model)s/%(rest)s", permanent=True, query_string=True),
    ),
    path("favicon.ico", favicon),
    # Always open (core/access.py): docker compose and load balancers probe these (core/health.py).
    path("health/", HealthView.as_view(), name="health"),
    path("health/ready/", HealthView.as_view(which="ready"), name="health-ready"),
    path("admin/import/", include("interchange.urls")),
    # The admin's own autocomplete (same name, same address), labelled by each model's admin.
    path("admin/autocomplete/", admin.site.admin_view(AutocompleteView.as_view(admin_site=admin.site))),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("", include("web.urls")),
]
