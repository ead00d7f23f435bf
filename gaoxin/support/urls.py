from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("support/awards/", views.awards, name="awards"),
    path("support/awards/new/", views.award_new, name="award_new"),
    path("support/awards/<int:pk>/", views.award, name="award"),
    path("support/awards/<int:pk>/milestones/", views.award_milestones, name="award_milestones"),
    path("support/awards/<int:pk>/approve/", views.award_approve, name="award_approve"),
    path("support/awards/<int:pk>/refuse/", views.award_refuse, name="award_refuse"),
    path(
        "support/awards/<int:pk>/milestones/<int:milestone>/pay/",
        views.milestone_pay,
        name="milestone_pay",
    ),
    path("support/ledger.xlsx", views.ledger_export, name="ledger_export"),
]
