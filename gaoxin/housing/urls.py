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
    path("housing/<str:code>/", views.announcement, name="announcement"),
    path("housing/<str:code>/register/", views.register, name="register"),
]
