"""Permissions decided once: reads follow FOGWATCH_PUBLIC_READ (``core.access.may_read``); writes need
the model permission."""

from rest_framework import permissions

from core.access import may_read


class PublicRead(permissions.BasePermission):
    """Reads only (the schema and the docs): anyone while public reading is on, logged-in users otherwise."""

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS and may_read(request.user)


class ModelPermissionsOrPublicRead(permissions.DjangoModelPermissions):
    """Anonymous reads when public reading is on, authenticated reads otherwise; writes need
    the add/change/delete permission on the model (the ``editors`` group has them)."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return may_read(request.user)
        if getattr(view, "_ignore_model_permissions", False):
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)


class ModelPermissions(permissions.DjangoModelPermissions):
    """For resources that are not public (webhook subscriptions: receivers' addresses): reads need
    the view permission, writes the add/change/delete permission."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }
