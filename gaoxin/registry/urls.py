from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.index, name="index"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/<int:enterprise_id>/", views.enterprise_detail, name="enterprise_detail"),
    path(
        "enterprises/<int:enterprise_id>/classify/",
        views.enterprise_classify,
        name="enterprise_classify",
    ),
    path(
        "classifications/<int:classification_id>/end/",
        views.classification_end,
        name="classification_end",
    ),
    path("industries/", views.industry_list, name="industry_list"),
    path("industries/new/", views.industry_edit, name="industry_new"),
    path("industries/<int:industry_id>/", views.industry_edit, name="industry_edit"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
    path("people/<int:person_id>/reveal/", views.person_reveal, name="person_reveal"),
    path("identity/oidc/login/", views.oidc_login, name="oidc_login"),
    path("identity/oidc/callback/", views.oidc_callback, name="oidc_callback"),
    path("counter/", views.identity_counter, name="identity_counter"),
    path("counter/bind/", views.identity_bind, name="identity_bind"),
    path("counter/unbind/", views.identity_unbind, name="identity_unbind"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:run_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:run_id>/status/", views.import_status, name="import_status"),
    path("imports/<int:run_id>/errors.xlsx", views.import_errors, name="import_errors"),
    path("templates/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
]
