from django.urls import path

from . import views

app_name = "housing"

urlpatterns = [
    path("housing/", views.announcements, name="announcements"),
    path("housing/mine/", views.my_applications, name="my_applications"),
    path("housing/manage/", views.manage_list, name="manage_list"),
    path("housing/manage/new/", views.batch_new, name="batch_new"),
    path("housing/manage/<str:code>/", views.manage_batch, name="manage_batch"),
    path("housing/applications/<str:number>/", views.application, name="application"),
    path(
        "housing/applications/<str:number>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path("housing/manage/<str:code>/review/", views.review_queue, name="review_queue"),
    path(
        "housing/manage/<str:code>/review/progress/", views.review_progress, name="review_progress"
    ),
    path("housing/manage/<str:code>/objections/", views.objections, name="objections"),
    path("housing/manage/<str:code>/stage/", views.batch_stage, name="batch_stage"),
    path("housing/manage/<str:code>/draw/", views.draw_action, name="draw_action"),
    path("housing/manage/<str:code>/draw/progress/", views.draw_progress, name="draw_progress"),
    path("housing/manage/<str:code>/simulation/", views.simulation, name="simulation"),
    path("housing/manage/<str:code>/choice/", views.unit_choice, name="unit_choice"),
    path(
        "housing/applications/<str:number>/object/",
        views.application_object,
        name="application_object",
    ),
    path("housing/<str:code>/", views.announcement, name="announcement"),
    path("housing/<str:code>/notice/", views.notice, name="notice"),
    path("housing/<str:code>/roster.csv", views.roster_download, name="roster_download"),
    path("housing/<str:code>/results/", views.results, name="results"),
    path("housing/<str:code>/protocol.json", views.protocol_download, name="protocol_download"),
    path("housing/<str:code>/results.csv", views.results_download, name="results_download"),
    path("housing/<str:code>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("housing/<str:code>/announcement.pdf", views.announcement_pdf, name="announcement_pdf"),
    path("housing/<str:code>/register/", views.register, name="register"),
    path("housing/<str:code>/report/", views.report, name="report"),
    path("housing/<str:code>/report.pdf", views.report_pdf, name="report_pdf"),
]
