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

from . import views_tiers  # noqa: E402

urlpatterns += [
    path("support/tiers/", views_tiers.zone, name="tiers"),
    path("support/tiers/compute/", views_tiers.compute, name="tiers_compute"),
    path("support/tiers/publish/", views_tiers.publish, name="tiers_publish"),
    path("support/tiers/mine/", views_tiers.mine, name="tier_mine"),
    path(
        "support/tiers/enterprise/<str:credit_code>/",
        views_tiers.enterprise,
        name="tier_enterprise",
    ),
]

from . import views_indicators  # noqa: E402

urlpatterns += [path("support/indicators/", views_indicators.page, name="indicators")]

from . import views_sources  # noqa: E402

urlpatterns += [
    path("support/indicators/sources/", views_sources.page, name="indicator_sources"),
    path("support/indicators/sources/land/", views_sources.land_sale, name="land_sale"),
    path("support/indicators/sources/value-added/", views_sources.value_added, name="value_added"),
]
