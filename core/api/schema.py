"""The OpenAPI schema: drf-spectacular's, with the error answers every operation can give and, on the
operations anyone may call (the reads, while FOGWATCH_PUBLIC_READ is on), credentials marked optional."""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong.")


FIELD_ERRORS = {
    "type": "object",
    "description": "Each field (or query parameter) that was wrong, with its messages; ``non_field_errors`` for "
    "what belongs to no one field.",
    "additionalProperties": {},
}


class DependentSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="The model of the referencing record.")
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReferencedSerializer(serializers.Serializer):
    """A refused delete (409): what still references the record."""

    detail = serializers.CharField(help_text="Names what still references the record.")
    referenced_by = DependentSerializer(many=True)


def takes_empty(schema: dict) -> bool:
    """Whether ``""`` is already a valid value of a parameter with this schema."""
    return schema.get("type") == "string" and not {"enum", "format", "pattern", "minLength", "$ref"} & schema.keys()


def empty_is_absent(parameter: dict) -> dict:
    """A query parameter given empty (``?kind=``, as a form's "any" sends it) is the same as one not
    given: every filter, the ordering and the pagination read it so. Said in the schema with
    ``allowEmptyValue`` on the optional query parameters whose type does not take ``""`` already."""
    if parameter.get("in") != "query" or parameter.get("required") or takes_empty(parameter.get("schema", {})):
        return parameter
    return {**parameter, "allowEmptyValue": True}


class AutoSchema(SpectacularAutoSchema):
    """Adds 400, 401, 403, 404 to every operation of the API, 409 to deletes and 413 to writes with a body;
    lists ``{}`` (no credentials) among the security requirements of an operation anyone may call."""

    def _get_parameters(self):
        return [empty_is_absent(parameter) for parameter in super()._get_parameters()]

    def get_auth(self):
        auths = super().get_auth()
        if auths and {} not in auths and self._anonymous_may_call():
            auths.append({})
        return auths

    def _anonymous_may_call(self) -> bool:
        """Whether the view's permission classes let an anonymous request of this method through (asked of
        the permissions themselves, so the schema follows FOGWATCH_PUBLIC_READ and each view's own rule)."""
        request = Request(APIRequestFactory().generic(self.method, self.path))
        request.user = AnonymousUser()
        try:
            return all(permission.has_permission(request, self.view) for permission in self.view.get_permissions())
        except Exception:  # a permission that needs more than the method and the user: not for anyone
            return False

    def _error_responses(self) -> dict[str, OpenApiResponse]:
        errors = {
            "400": OpenApiResponse(
                FIELD_ERRORS, "Bad input or query parameter: a message per field; nothing was written."
            ),
            "401": OpenApiResponse(ErrorSerializer, "No (valid) credentials."),
            "403": OpenApiResponse(ErrorSerializer, "No permission for this action."),
        }
        errors["404"] = OpenApiResponse(ErrorSerializer, "No such object (or page).")
        if self.method == "DELETE":
            errors["409"] = OpenApiResponse(ReferencedSerializer, "Refused: the record is still referenced.")
        if self.method in ("POST", "PUT", "PATCH"):
            errors["413"] = OpenApiResponse(
                ErrorSerializer, "The body is larger than FOGWATCH_MAX_BODY_BYTES; nothing was written."
            )
        return errors

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in self._error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses
