from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/me/", views.account, name="account"),
    path("accounts/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/roles/", views.roles_page, name="roles"),
    path("accounts/roles/grant/", views.role_grant, name="role_grant"),
    path("accounts/roles/grants/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
]
