"""Django's permission checks answered from the user's role grants (roles.py), so that the admin
site and common's rules (common cannot import roles) see the same roles as every access.py rule.

Passwords are checked as ModelBackend checks them. Permissions come from roles only: neither
groups nor a user's loose `user_permissions` give any (the admin no longer offers either), and
the IT superuser has every permission, as in Django. No query beyond reading the grants."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from . import roles


class RoleBackend(ModelBackend):
    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_group_permissions(user_obj, obj)  # every permission
        return roles.permissions_of(user_obj)
