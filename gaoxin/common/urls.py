from django.urls import path

from . import views

app_name = "common"

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/<int:event_id>/", views.audit_event_detail, name="audit_event"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/enter/", views.calendar_enter, name="calendar_enter"),
    path("audit/checkpoints/", views.checkpoint_list, name="checkpoints"),
    path("audit/checkpoints.json", views.checkpoint_json, name="checkpoints_json"),
    path(
        "audit/checkpoints/<int:pk>/countersign/",
        views.checkpoint_countersign,
        name="checkpoint_countersign",
    ),
]
