from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("approvals/", views.mine, name="mine"),
    path("approvals/start/", views.start, name="start"),
    path("approvals/queue/", views.queue, name="queue"),
    path("approvals/intake/", views.intake, name="intake"),
    path("approvals/dashboard/", views.dashboard, name="dashboard"),
    path("approvals/projects/<int:pk>/", views.project, name="project"),
    path("approvals/projects/<int:pk>/land/", views.land, name="land"),
    path("approvals/projects/<int:pk>/document/", views.document, name="document"),
    path("approvals/projects/<int:pk>/stages/<int:stage_pk>/submit/", views.submit, name="submit"),
    path(
        "approvals/projects/<int:pk>/stages/<int:stage_pk>/dispatch/",
        views.dispatch,
        name="dispatch",
    ),
    path(
        "approvals/projects/<int:pk>/stages/<int:stage_pk>/return/",
        views.return_package,
        name="return",
    ),
    path(
        "approvals/projects/<int:pk>/items/<int:item_pk>/decide/<str:decision>/",
        views.decide,
        name="decide",
    ),
    path(
        "approvals/projects/<int:pk>/items/<int:item_pk>/prereview/",
        views.prereview,
        name="prereview",
    ),
    path("approvals/projects/<int:pk>/items/<int:item_pk>/answer/", views.answer, name="answer"),
    path(
        "approvals/projects/<int:pk>/items/<int:item_pk>/check/<str:outcome>/",
        views.check,
        name="check",
    ),
    path("approvals/projects/<int:pk>/certificates/<str:code>/ship/", views.ship, name="ship"),
    path(
        "approvals/projects/<int:pk>/certificates/<str:code>/delivered/",
        views.delivered,
        name="delivered",
    ),
    path("approvals/certificates/<str:code>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("verify/approvals/", views.verify, name="verify"),
    path("approvals/templates/", views.templates, name="templates"),
    path("approvals/templates/draft/", views.template_draft, name="template_draft"),
    path("approvals/templates/<int:pk>/", views.template_version, name="template_version"),
    path("approvals/templates/<int:pk>/publish/", views.template_publish, name="template_publish"),
    path(
        "approvals/templates/<int:pk>/documents/",
        views.template_document_add,
        name="template_document_add",
    ),
    path(
        "approvals/templates/<int:pk>/stages/<int:stage_pk>/",
        views.template_stage_edit,
        name="template_stage_edit",
    ),
    path(
        "approvals/templates/<int:pk>/stages/<int:stage_pk>/items/",
        views.template_item_add,
        name="template_item_add",
    ),
    path(
        "approvals/templates/<int:pk>/items/<int:item_pk>/",
        views.template_item_edit,
        name="template_item_edit",
    ),
    path(
        "approvals/templates/<int:pk>/items/<int:item_pk>/remove/",
        views.template_item_remove,
        name="template_item_remove",
    ),
]
