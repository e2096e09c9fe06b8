"""The OpenAPI schema: drf-spectacular's, with the error answers every operation can give, the
``Idempotency-Key`` header on every POST that takes it (``core.api.idempotency``) and, on the
operations anyone may call (the reads, while FOGWATCH_PUBLIC_READ is on), credentials marked optional."""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.api import idempotency, sparse


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
    """Adds 400, 401, 403, 404 to every operation of the API, 409 to deletes, 413 to writes with a body;
    to each POST taking an ``Idempotency-Key``, the header, its 409 (still running) and 422 (reused);
    and lists ``{}`` (no credentials) among the security requirements of an operation anyone may call."""

    def idempotent(self) -> bool:
        return self.method == "POST" and getattr(self.view, "idempotent_posts", False)

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.idempotent():
            parameters.append(idempotency.PARAMETER)
        return parameters

    def _get_parameters(self):
        parameters = super()._get_parameters()
        if self.takes_fields():
            parameters.append(sparse.schema_parameter(self.view.sparse_known()))
        return [empty_is_absent(parameter) for parameter in parameters]

    def takes_fields(self) -> bool:
        """Whether the operation takes ``?fields=`` (``core.api.sparse``): the reads of a ServiceViewSet."""
        return self.method == "GET" and getattr(self.view, "action", None) in getattr(self.view, "sparse_actions", ())

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
        if self.idempotent():
            errors["400"] = OpenApiResponse(
                FIELD_ERRORS,
                "Bad input or query parameter: a message per field; nothing was written. A bad Idempotency-Key "
                'header is named like a field (`{"Idempotency-Key": ["…"]}`).',
            )
            errors["409"] = OpenApiResponse(
                ErrorSerializer,
                "Conflict: a request with the same Idempotency-Key is still running, or the object is not in a "
                "state for this action; nothing was written.",
            )
            errors["422"] = OpenApiResponse(
                ErrorSerializer,
                "The Idempotency-Key was first sent with another body or to another path; nothing was written.",
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


SPARSE_NOTE = " With `?fields=`, only the fields asked for: any of them may be left out."


def sparse_responses(result: dict, generator, request, public) -> dict:
    """A postprocessing hook: the 200 answer of an operation taking ``?fields=`` is the object's read
    shape with no field required (``SparseClaim``, and ``PaginatedSparseClaimList`` for a list), since
    ``fields`` may leave any out; the writes keep answering the full shape (``Claim``)."""
    schemas = result.get("components", {}).get("schemas", {})

    def sparse_copy(name: str) -> str:
        new = f"Sparse{name}"
        if new not in schemas:
            component = {key: value for key, value in schemas[name].items() if key != "required"}
            component["description"] = (component.get("description") or "").strip() + SPARSE_NOTE
            schemas[new] = component
        return new

    def sparse_ref(ref: str) -> str:
        name = ref.rsplit("/", 1)[1]
        page = schemas[name]
        results = page.get("properties", {}).get("results", {})
        if "$ref" in results.get("items", {}):  # a page: its results are sparse objects
            new = f"PaginatedSparse{name.removeprefix('Paginated')}"
            if new not in schemas:
                item = sparse_copy(results["items"]["$ref"].rsplit("/", 1)[1])
                copied = {**page, "properties": {**page["properties"]}}
                copied["properties"]["results"] = {**results, "items": {"$ref": f"#/components/schemas/{item}"}}
                schemas[new] = copied
            return f"#/components/schemas/{new}"
        return f"#/components/schemas/{sparse_copy(name)}"

    for operations in result.get("paths", {}).values():
        operation = operations.get("get")
        if not operation or not any(p.get("name") == sparse.PARAMETER for p in operation.get("parameters", [])):
            continue
        for content in operation.get("responses", {}).get("200", {}).get("content", {}).values():
            if "$ref" in content.get("schema", {}):
                content["schema"] = {"$ref": sparse_ref(content["schema"]["$ref"])}
    return result
