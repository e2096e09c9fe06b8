"""Logging in and out of the analysts' pages: ``/login/`` and ``/logout/``.

The admin's login takes staff only, so an analyst without a staff flag could not sign in to read
the pages when ``FOGWATCH_PUBLIC_READ=false`` closes them. This is the site's own login, for every
user (``LOGIN_URL``); django-axes counts its failures like the admin's and the token endpoint's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth

from core.access import public_read


class LoginView(auth.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "public_read": public_read()}


class LogoutView(auth.LogoutView):
    """POST only (Django's own rule: a link could log anyone out); back to the overview."""
