"""``POST /api/v1/auth/token/``: username and password in, a token for ``Authorization: Token …`` out.

Guessing is limited twice: the ``token`` throttle (attempts per address and minute) and the login
lockout (django-axes: wrong passwords per address, shared with the admin's login). A locked-out
address gets a 429 with ``Retry-After``, even for the right password, until the cool-off ends.
"""

from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers, serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.parsers import JSONParser
from core.api.schema import AutoSchema
from core.api.throttles import TokenThrottle
from core.lockout import locked_out


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (the same token on every call)."""

    schema = AutoSchema()
    throttle_classes = [TokenThrottle]
    parser_classes = (JSONParser, parsers.FormParser, parsers.MultiPartParser)  # DRF's view names its own

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: TokenResponseSerializer,
            429: OpenApiResponse(description="Too many attempts or failed logins from this address."),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError:
            # django-axes refused to check the password (the address is locked out): say so, not
            # "unable to log in", which would invite another guess.
            if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
                return locked_out(request._request)
            raise
        user = serializer.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        # A login like the admin's: the lockout's count of failures starts again, last_login is kept.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": token.key})
