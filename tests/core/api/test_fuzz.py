"""Schemathesis over the whole API schema: every operation ``/api/v1/schema/`` lists, every check of
schemathesis 3.x (``ALL_CHECKS``), positive and negative data, Hypothesis' phases; as an editor and
anonymously. 0 failures, in the normal run (``make test``), in a bounded time.

- **Operations**: all of them, read from the live schema (whatever is added later is fuzzed too).
- **Checks**: ``schemathesis.checks.ALL_CHECKS``: not_a_server_error, status_code_conformance,
  content_type_conformance, response_headers_conformance, response_schema_conformance,
  negative_data_rejection and ignored_auth.
- **Data**: ``DataGenerationMethod.positive`` (values the schema allows) and ``negative`` (values it
  forbids: each must be refused with a 4xx), ``MAX_EXAMPLES`` of each per operation and persona.
- **Phases**: explicit (the schema's examples), reuse, generate, target (towards larger answers) and
  shrink (a failure is reported as its smallest case). Derandomized: every run sends the same requests.
- **Personas**: an editor with a token, with reads closed (``FOGWATCH_PUBLIC_READ=false``), so every
  operation requires credentials and ``ignored_auth`` checks each one (sent without the token, it must
  be a 401); and an anonymous client with reads public (the default): reads answer, and every operation
  that requires credentials answers 401 or 403 (``writes_need_credentials``).

Four things schemathesis 3.39 (the last 3.x) gets wrong are put right here, where a case is made or
judged, not by leaving out a check or an operation:

1. Optional credentials. An operation whose ``security`` lists ``{}`` may be called without credentials
   (OpenAPI 3.0, "Security Requirement Object"): the public reads. Schemathesis 3 ignores ``{}`` and
   calls every public read "authentication declared but not enforced" (schemathesis issue 3052).
   ``ignored_auth`` below is the same check on every operation whose credentials are required.
2. Query values as the server reads them. Schemathesis 3 judges a query negative in JSON terms, before
   it is serialized: ``ordering: "id"`` (a string for an array) is negative to it, yet on the wire it
   is ``?ordering=id``, the one-item array, and ``root: "false"`` is ``?root=false``; and it ignores
   ``allowEmptyValue: true`` (our typed filters, the ordering, the pagination: an empty value is no
   value, as a form's "any" sends it) and generates ``?kind=`` as negative data; and ``claim: [None]``
   (no integer) is negative to it, yet requests sends nothing for None. A query is negative here when
   what the server reads is: its known parameters (unknown ones are ignored, as schemathesis itself
   allows), as serialized (None left out), an empty value of an ``allowEmptyValue`` parameter being
   no value.
3. Metadata of operations without path parameters. Schemathesis 3 marks their (absent) path parameters
   as negated, which disables its own rule that unknown query parameters alone are not negative data.
   Such a case's path parameters are marked as not generated.
4. Negative bodies are JSON. A form body (``application/x-www-form-urlencoded``, ``multipart/form-data``)
   carries strings only: ``{"name": 5}`` arrives as the valid ``name=5``, ``{"country": []}`` as no
   field at all, so a form cannot carry most negative data (schemathesis 3 already keeps its type
   changes out of urlencoded bodies). Negative data is sent as JSON, where every negation arrives as
   generated; positive data is sent in all three content types.

And the editor sends its token only: schemathesis would also send a random session cookie and
``Authorization`` value generated from the security schemes, and a random cookie beside a valid token
makes ``ignored_auth`` take the credentials for generated ones. The anonymous client sends those random
values: they must never pass for credentials.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, replace

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, target
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis import DataGenerationMethod
from schemathesis._hypothesis import create_test
from schemathesis.checks import ALL_CHECKS
from schemathesis.parameters import PayloadAlternatives
from schemathesis.specs.openapi import checks as openapi_checks
from schemathesis.specs.openapi._hypothesis import get_schema_for_location

from config.wsgi import application

# Examples per operation, persona and kind of data: 2 personas x 2 kinds x every operation.
# FOGWATCH_FUZZ_EXAMPLES=100 for a longer hunt; FOGWATCH_FUZZ_ONLY="GET /api/v1/claims/" for one operation.
MAX_EXAMPLES = int(os.environ.get("FOGWATCH_FUZZ_EXAMPLES", "15"))
PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]
SCHEMA_ACCEPT = "application/vnd.oai.openapi+json"


def ignored_auth(ctx, response, case):
    """Schemathesis' ``ignored_auth``, on the operations whose credentials are required (see 1. above)."""
    if {} in (case.operation.definition.raw.get("security") or []):
        return None
    return openapi_checks.ignored_auth(ctx, response, case)


ignored_auth.__name__ = openapi_checks.ignored_auth.__name__
CHECKS = tuple(ignored_auth if check is openapi_checks.ignored_auth else check for check in ALL_CHECKS)


def writes_need_credentials(ctx, response, case):
    """Sent without valid credentials, an operation that requires them is refused: 401 (none, or not
    valid) or 403 (no permission); 404 only for a path that is no route (a negated path parameter)."""
    security = case.operation.definition.raw.get("security") or [{}]
    if ctx.headers or {} in security:
        return None
    allowed = {401, 403}
    if case.meta and case.meta.path_parameters and case.meta.path_parameters.is_negative:
        allowed.add(404)
    assert response.status_code in allowed, f"{response.status_code} without credentials, not one of {sorted(allowed)}"
    return None


def as_sent(definition: dict, value):
    """A query value as the server reads it off the wire, for a parameter defined so: a scalar given to
    an array parameter is its one item (split at commas when ``explode`` is false: ``ordering=id,-name``),
    a one-item list given to a scalar parameter is that item."""
    schema = definition.get("schema", {})
    if schema.get("type") == "array":
        if isinstance(value, str | int | float | bool):
            return str(value).split(",") if definition.get("explode") is False else [value]
        return value
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return typed(schema.get("type"), value)


def typed(kind: str | None, value):
    """A string as the typed value it is on the wire: ``"false"`` for a boolean is ``false``, ``"12"`` for
    an integer is ``12`` (schemathesis 3 generates them as negative data: a string is no boolean)."""
    if not isinstance(value, str):
        return value
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    if kind == "integer" and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    if kind == "number" and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?", value):
        return float(value)
    return value


def honour_schema(case) -> None:
    """Put right schemathesis 3's metadata of a generated case (2. and 3. above): a query is negative
    data only if what the server reads is, known parameters only, an empty value of an
    ``allowEmptyValue`` parameter being no value."""
    meta = case.meta
    if meta is None:
        return
    if not case.operation.path_parameters:
        meta.path_parameters = None
    if meta.query is not None and meta.query.is_negative and case.query:
        parameters = {p.name: p.definition for p in case.operation.query}
        # An empty list sends nothing, and neither does None, alone or in a list (requests drops it).
        on_wire = {
            name: [item for item in value if item is not None] if isinstance(value, list) else value
            for name, value in case.query.items()
        }
        sent = {name: value for name, value in on_wire.items() if value not in ([], None)}
        read = {name: as_sent(parameters[name], value) for name, value in sent.items() if name in parameters}
        # An empty value of an ``allowEmptyValue`` parameter is no value, however often it is given
        # (``?reliability=&reliability=``).
        read = {
            name: value
            for name, value in read.items()
            if not (
                parameters[name].get("allowEmptyValue")
                and (value == "" or (isinstance(value, list) and all(item == "" for item in value)))
            )
        }
        schema = get_schema_for_location(case.operation, "query", case.operation.query)
        if case.operation.schema.validator_cls(schema).is_valid(read):
            meta.query = DataGenerationMethod.positive


def json_bodies_only(operation):
    """The operation with its JSON body only, for negative data (see 4. above)."""
    if not operation.body or all(item.media_type == "application/json" for item in operation.body):
        return operation
    body = PayloadAlternatives([item for item in operation.body if item.media_type == "application/json"])
    return replace(operation, body=body) if body.items else operation


@dataclass
class Persona:
    name: str
    headers: dict[str, str]
    public_read: bool

    def prepare(self, case, credentials: set[tuple[str, str]]) -> None:
        """An editor's client sends its token, and no other credentials: the values schemathesis generated
        for the security schemes go, and so does their mark of negative data when nothing else was there."""
        if not self.headers:
            return
        for location, name in credentials:
            attribute = {"header": "headers", "cookie": "cookies", "query": "query"}[location]
            container = getattr(case, attribute)
            if container and name in container:
                del container[name]
                if not container and case.meta is not None:
                    setattr(case.meta, "path_parameters" if attribute == "path" else attribute, None)


def describe(case) -> str:
    """What was sent, as generated (the curl line of the report shows it serialized)."""
    meta = case.meta
    negated = [
        name
        for name in ("query", "path_parameters", "headers", "cookies", "body")
        if meta and getattr(meta, name) and getattr(meta, name).is_negative
    ]
    return (
        f"query={case.query!r} path={case.path_parameters!r} headers={dict(case.headers or {})!r} "
        f"cookies={case.cookies!r} body={getattr(case, 'body', None)!r} media_type={case.media_type} "
        f"negated={negated}\n"
    )


def credentials_in(raw: dict) -> set[tuple[str, str]]:
    schemes = raw.get("components", {}).get("securitySchemes", {})
    return {(scheme["in"], scheme["name"]) for scheme in schemes.values() if scheme.get("type") == "apiKey"}


def fuzz(raw: dict, persona: Persona) -> tuple[list[str], int, int]:
    """Every operation of ``raw``, positive and negative; the failures, and how many operations and requests."""
    schema = schemathesis.from_dict(raw, app=application)
    credentials = credentials_in(raw)
    transport = {"headers": persona.headers} if persona.headers else None
    failures: list[str] = []
    last_failing: list[str] = []  # the case behind the last failure, as generated
    sent = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    only = os.environ.get("FOGWATCH_FUZZ_ONLY")
    for operation in operations:
        if only and only != operation.verbose_name:
            continue
        for method in (DataGenerationMethod.positive, DataGenerationMethod.negative):

            def run(case) -> None:
                nonlocal sent
                persona.prepare(case, credentials)
                honour_schema(case)
                response = case.call_wsgi(headers=persona.headers or None)
                sent += 1
                target(float(len(response.get_data())), label="response size")
                try:
                    case.validate_response(
                        response,
                        checks=CHECKS,
                        additional_checks=() if persona.headers else (writes_need_credentials,),
                        headers=persona.headers or None,
                        transport_kwargs=transport,
                    )
                except AssertionError:
                    last_failing[:] = [describe(case)]
                    raise

            test = create_test(
                operation=json_bodies_only(operation) if method.is_negative else operation,
                test=run,
                data_generation_methods=[method],
                settings=hypothesis_settings(
                    max_examples=MAX_EXAMPLES,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    phases=PHASES,
                    suppress_health_check=list(HealthCheck),
                ),
            )
            last_failing.clear()
            try:
                test()
            except Exception as exc:  # the smallest failing case, after shrinking; one report for all
                where = f"{persona.name}, {method.value}: {operation.verbose_name}"
                failures.append(f"{where}\n{''.join(last_failing)}{str(exc)[:2000]}")
    return failures, len(operations), sent


@pytest.fixture
def live_schema(panjshir, editor, settings):
    """The schema as ``/api/v1/schema/`` serves it, under the persona's FOGWATCH_PUBLIC_READ."""

    def load(public_read: bool) -> dict:
        settings.FOGWATCH_PUBLIC_READ = public_read
        client = APIClient()
        client.force_authenticate(editor)
        response = client.get("/api/v1/schema/", HTTP_ACCEPT=SCHEMA_ACCEPT)
        assert response.status_code == 200
        return response.json()

    return load


@pytest.fixture
def raw_wsgi():
    """The raw WSGI app closes database connections at the end of each request; within a test that
    would close the test's own transaction. Django's test client detaches the same signals."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("persona", ["editor", "anonymous"])
def test_fuzz_the_whole_schema(persona, live_schema, editor, settings, request):
    if persona == "editor":
        who = Persona("editor", {"Authorization": f"Token {Token.objects.create(user=editor).key}"}, public_read=False)
    else:
        who = Persona("anonymous", {}, public_read=True)
    raw = live_schema(who.public_read)
    request.getfixturevalue("raw_wsgi")  # after the test client's requests: it connects the signals again
    started = time.monotonic()

    failures, operations, sent = fuzz(raw, who)

    print(f"{who.name}: {operations} operations, {sent} requests, {time.monotonic() - started:.0f} s")
    assert operations >= 63
    assert not failures, f"{len(failures)} failing:\n\n" + "\n\n".join(failures[:15])


def answer(response) -> tuple[int, bytes]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def test_a_parameter_given_empty_is_the_same_as_one_not_given(panjshir, editor_api):
    """What ``allowEmptyValue`` says in the schema holds: ``?name=`` answers as the request without it."""
    api = editor_api
    raw = api.get("/api/v1/schema/", HTTP_ACCEPT=SCHEMA_ACCEPT).json()
    checked = 0
    for path, operations in raw["paths"].items():
        operation = operations.get("get")
        if not operation or not any(p.get("allowEmptyValue") for p in operation.get("parameters", [])):
            continue
        if "{id}" in path:
            listed = api.get(path.split("{id}")[0]).json()["results"]
            # A resource the example has none of (webhooks): its 404 must not change either.
            path = path.replace("{id}", str(listed[0]["id"]) if listed else "999999")
        plain = answer(api.get(path))
        for parameter in operation.get("parameters", []):
            if parameter.get("allowEmptyValue"):
                assert answer(api.get(path, {parameter["name"]: ""})) == plain, (path, parameter["name"])
                checked += 1
    assert checked > 50
