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

from . import views_calls  # noqa: E402

urlpatterns += [
    path("support/calls/", views_calls.zone_list, name="calls_zone"),
    path("support/calls/new/", views_calls.call_new, name="call_new"),
    path("support/calls/<int:pk>/", views_calls.zone_detail, name="call_zone"),
    path("support/calls/<int:pk>/edit/", views_calls.call_edit, name="call_edit"),
    path("support/calls/<int:pk>/panel/", views_calls.call_panel, name="call_panel"),
    path("support/calls/<int:pk>/publish/", views_calls.call_publish, name="call_publish"),
    path("support/calls/<int:pk>/close/", views_calls.call_close, name="call_close"),
    path("support/calls/<int:pk>/review/", views_calls.call_review, name="call_review"),
    path("support/calls/<int:pk>/decide/", views_calls.call_decide, name="call_decide"),
    path("support/calls/<int:pk>/announce/", views_calls.call_announce, name="call_announce"),
    path("support/calls/<int:pk>/confirm/", views_calls.call_confirm, name="call_confirm"),
    path("support/calls/<int:pk>/ranking/", views_calls.ranking, name="call_ranking"),
    path(
        "support/calls/objections/<int:pk>/answer/",
        views_calls.objection_answer,
        name="call_objection_answer",
    ),
    path("support/open-calls/", views_calls.public_list, name="calls_public"),
    path("support/open-calls/mine/", views_calls.mine, name="calls_mine"),
    path("support/open-calls/<int:pk>/", views_calls.public_detail, name="call_public"),
    path("support/open-calls/<int:pk>/apply/", views_calls.apply, name="call_apply"),
    path("support/open-calls/<int:pk>/object/", views_calls.object_to, name="call_object"),
    path("support/expert/", views_calls.expert, name="expert"),
    path(
        "support/expert/applications/<int:pk>/score/",
        views_calls.expert_score,
        name="expert_score",
    ),
    path(
        "support/expert/applications/<int:pk>/conflict/",
        views_calls.expert_conflict,
        name="expert_conflict",
    ),
]
