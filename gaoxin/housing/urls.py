from django.urls import path

from .views import applicant, backoffice, draw, public, review, unit_choice

app_name = "housing"

M = "housing/manage/<str:code>/"

urlpatterns = [
    # public
    path("housing/", public.announcements, name="announcements"),
    # the applicant
    path("housing/mine/", applicant.my_applications, name="my_applications"),
    path("housing/applications/<str:number>/", applicant.application, name="application"),
    path(
        "housing/applications/<str:number>/withdraw/",
        applicant.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "housing/applications/<str:number>/confirm/",
        applicant.application_confirm,
        name="application_confirm",
    ),
    path(
        "housing/applications/<str:number>/object/",
        applicant.application_object,
        name="application_object",
    ),
    # the back office: set-up, registration, notice
    path("housing/manage/", backoffice.manage_list, name="manage_list"),
    path("housing/manage/new/", backoffice.batch_new, name="batch_new"),
    path(M, backoffice.manage_batch, name="manage_batch"),
    path(M + "rules/", backoffice.batch_rules, name="batch_rules"),
    path(M + "entropy/", backoffice.batch_entropy, name="batch_entropy"),
    path(M + "units/", backoffice.units_import, name="units_import"),
    path(M + "publish/", backoffice.batch_publish, name="batch_publish"),
    path(M + "simulation/", backoffice.simulation, name="simulation"),
    path(M + "registrations/", backoffice.applications_import, name="applications_import"),
    path(M + "close-registration/", backoffice.registration_close, name="registration_close"),
    path(M + "notice/start/", backoffice.notice_start, name="notice_start"),
    path(M + "roster/freeze/", backoffice.roster_freeze, name="roster_freeze"),
    path(M + "roster/confirm/", backoffice.roster_confirm, name="roster_confirm"),
    # the review
    path(M + "review/", review.review_queue, name="review_queue"),
    path(M + "review/progress/", review.review_progress, name="review_progress"),
    path(M + "review/start/", review.review_start, name="review_start"),
    path(M + "review/overrides/", review.override_propose, name="override_propose"),
    path(
        M + "review/overrides/<int:pk>/approve/", review.override_approve, name="override_approve"
    ),
    path(M + "review/overrides/<int:pk>/reject/", review.override_reject, name="override_reject"),
    path(M + "objections/", review.objections, name="objections"),
    path(M + "objections/<int:pk>/answer/", review.objection_answer, name="objection_answer"),
    # the draw
    path(M + "draw/values/", draw.draw_values, name="draw_values"),
    path(M + "draw/reveal/", draw.draw_reveal, name="draw_reveal"),
    path(M + "draw/run/", draw.draw_run, name="draw_run"),
    path(M + "draw/progress/", draw.draw_progress, name="draw_progress"),
    # unit choice
    path(M + "choice/", unit_choice.unit_choice, name="unit_choice"),
    path(M + "choice/start/", unit_choice.choice_start, name="choice_start"),
    path(M + "choice/chosen/", unit_choice.turn_chosen, name="turn_chosen"),
    path(M + "choice/declined/", unit_choice.turn_declined, name="turn_declined"),
    path(M + "choice/no-show/", unit_choice.turn_no_show, name="turn_no_show"),
    path(M + "choice/contract/", unit_choice.contract_record, name="contract_record"),
    path(M + "choice/forfeit/", unit_choice.contract_forfeit, name="contract_forfeit"),
    path(M + "choice/close/", unit_choice.sale_close, name="sale_close"),
    # public pages of a batch (after "manage/" and "mine/", which a code could shadow)
    path("housing/<str:code>/", public.announcement, name="announcement"),
    path("housing/<str:code>/notice/", public.notice, name="notice"),
    path("housing/<str:code>/roster.csv", public.roster_download, name="roster_download"),
    path("housing/<str:code>/results/", public.results, name="results"),
    path("housing/<str:code>/protocol.json", public.protocol_download, name="protocol_download"),
    path("housing/<str:code>/results.csv", public.results_download, name="results_download"),
    path("housing/<str:code>/results.xlsx", public.results_xlsx, name="results_xlsx"),
    path("housing/<str:code>/announcement.pdf", public.announcement_pdf, name="announcement_pdf"),
    path("housing/<str:code>/fairdraw.pyz", public.fairdraw_pyz, name="fairdraw_pyz"),
    path("housing/<str:code>/fairdraw-spec.md", public.fairdraw_spec, name="fairdraw_spec"),
    path("housing/<str:code>/register/", applicant.register, name="register"),
    path("housing/<str:code>/report/", public.report, name="report"),
    path("housing/<str:code>/report.pdf", public.report_pdf, name="report_pdf"),
]
