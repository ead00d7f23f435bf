from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from gaoxin.common.views import healthz

from .api import api

urlpatterns = [
    path("", include("gaoxin.accounts.urls")),
    path("", include("gaoxin.common.urls")),
    path("registry/", include("gaoxin.registry.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
]
