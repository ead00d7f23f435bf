from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language

from gaoxin.common.views import healthz

from .api import api, api_not_found

urlpatterns = [
    path("", include("gaoxin.accounts.urls")),
    path("", include("gaoxin.common.urls")),
    path("registry/", include("gaoxin.registry.urls")),
    path("", include("gaoxin.housing.urls")),
    path("", include("gaoxin.servicedesk.urls")),
    path("", include("gaoxin.approvals.urls")),
    path("", include("gaoxin.support.urls")),
    path("admin/", admin.site.urls),
    path("api/", api_not_found),  # shadows ninja's HTML root page
    path("api/", api.urls),
    re_path(r"^api/", api_not_found),  # unknown API paths answer in JSON too
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
]
