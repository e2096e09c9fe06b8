"""``POST /api/v1/auth/token/``: username and password in, a token for ``Authorization: Token …`` out."""

from drf_spectacular.utils import extend_schema
from rest_framework import parsers, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken

from core.api.parsers import JSONParser
from core.api.schema import AutoSchema


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (the same token on every call)."""

    schema = AutoSchema()
    parser_classes = (JSONParser, parsers.FormParser, parsers.MultiPartParser)  # DRF's view names its own

    @extend_schema(request=AuthTokenSerializer, responses={200: TokenResponseSerializer}, auth=[])
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
