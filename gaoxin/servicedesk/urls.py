from django.urls import path

from . import views, views_field, views_statistics, zone_views

app_name = "servicedesk"
urlpatterns = [
    path("servicedesk/", views.queue, name="queue"),
    path("servicedesk/mine/", views.mine, name="mine"),
    path("servicedesk/new/", views.new, name="new"),
    path("servicedesk/dashboard/", views.dashboard, name="dashboard"),
    path(
        "servicedesk/dashboard/monthly.pdf",
        views.monthly_report,
        {"kind": "pdf"},
        name="monthly_pdf",
    ),
    path(
        "servicedesk/dashboard/monthly.xlsx",
        views.monthly_report,
        {"kind": "xlsx"},
        name="monthly_xlsx",
    ),
    path("servicedesk/requests/<str:number>/", views.detail, name="request"),
    path("servicedesk/requests/<str:number>/take/", views.take, name="take"),
    path("servicedesk/requests/<str:number>/wait/", views.wait, name="wait"),
    path("servicedesk/requests/<str:number>/resume/", views.resume, name="resume"),
    path("servicedesk/requests/<str:number>/resolve/", views.resolve, name="resolve"),
    path("servicedesk/requests/<str:number>/escalate/", views.escalate, name="escalate"),
    path("servicedesk/requests/<str:number>/rate/", views.rate, name="rate"),
    path("servicedesk/requests/<str:number>/note/", views.note, name="note"),
    path("servicedesk/requests/<str:number>/merge/", views.merge, name="merge"),
    path("servicedesk/requests/<str:number>/attach/", views.attach, name="attach"),
    path("servicedesk/requests/<str:number>/files/<int:pk>/", views.attachment, name="attachment"),
    path("servicedesk/field/visits/", views_field.visits_due, name="visits"),
    path("servicedesk/field/visits/new/", views_field.visit_new, name="visit_new"),
    path("servicedesk/field/visits/<int:pk>/", views_field.visit_detail, name="visit"),
    path(
        "servicedesk/field/visits/<int:pk>/request/",
        views_field.visit_to_request,
        name="visit_request",
    ),
    path("servicedesk/field/settings/", views_field.field_settings, name="field_settings"),
    path("servicedesk/field/inspections/new/", views_field.inspection_new, name="inspection_new"),
    path(
        "servicedesk/field/inspections/<int:pk>/",
        views_field.inspection_detail,
        name="inspection",
    ),
    path(
        "servicedesk/field/inspections/<int:pk>/hazard/",
        views_field.hazard_add,
        name="hazard_add",
    ),
    path("servicedesk/field/hazards/", views_field.hazards, name="hazards"),
    path("servicedesk/field/hazards/<str:number>/", views_field.hazard_detail, name="hazard"),
    path(
        "servicedesk/field/hazards/<str:number>/photos/<int:pk>/",
        views_field.hazard_photo,
        name="hazard_photo",
    ),
    path(
        "servicedesk/field/hazards/<str:number>/report/",
        views_field.hazard_report,
        name="hazard_report",
    ),
    path(
        "servicedesk/field/hazards/<str:number>/reinspect/",
        views_field.hazard_reinspect,
        name="hazard_reinspect",
    ),
    path("servicedesk/notices/", views_field.notices, name="notices"),
    path("servicedesk/notices/new/", views_field.notice_new, name="notice_new"),
    path("servicedesk/notices/<str:number>/", views_field.notice_detail, name="notice"),
    path("servicedesk/notices/<str:number>/ack/", views_field.notice_ack, name="notice_ack"),
]

# The zone's pages: the map, a grid's page and team, the set-up (zone_views.py).
urlpatterns += [
    path("servicedesk/map/", zone_views.grid_map, name="map"),
    path("servicedesk/grids/<str:code>/", zone_views.grid_page, name="grid"),
    path("servicedesk/grids/<str:code>/holder/", zone_views.set_holder, name="set_holder"),
    path("servicedesk/setup/duties/", zone_views.duties_page, name="duties"),
    path("servicedesk/setup/categories/", zone_views.categories_page, name="categories"),
    path("servicedesk/setup/assignments/", zone_views.import_page, name="import"),
    path(
        "servicedesk/setup/assignments/template.csv",
        zone_views.import_template,
        name="import_template",
    ),
]

# Statistics collection (数据统计, views_statistics.py).
_REPORT = "servicedesk/statistics/reports/<str:form>/<str:period>/<str:credit_code>/"
urlpatterns += [
    path("servicedesk/statistics/mine/", views_statistics.mine, name="stats_mine"),
    path("servicedesk/statistics/grid/", views_statistics.grid_list, name="stats_grid"),
    path(
        "servicedesk/statistics/completeness/",
        views_statistics.completeness,
        name="stats_completeness",
    ),
    path("servicedesk/statistics/forms/", views_statistics.forms_page, name="stats_forms"),
    path(
        "servicedesk/statistics/export/<str:form>/<str:period>.xlsx",
        views_statistics.export,
        name="stats_export",
    ),
    path(_REPORT, views_statistics.report_page, name="stats_report"),
    path(_REPORT + "save/", views_statistics.report_save, name="stats_save"),
    path(_REPORT + "submit/", views_statistics.report_submit, name="stats_submit"),
    path(_REPORT + "accept/", views_statistics.report_accept, name="stats_accept"),
    path(_REPORT + "return/", views_statistics.report_return, name="stats_return"),
]
