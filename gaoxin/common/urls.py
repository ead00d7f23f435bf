from django.urls import path

from . import views

app_name = "common"

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/<int:event_id>/", views.audit_event_detail, name="audit_event"),
]
