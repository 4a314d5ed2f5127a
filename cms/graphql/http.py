"""GraphQL over HTTP (the GraphQL-over-HTTP specification), for the public endpoint.

Media types: `application/graphql-response+json` when the client accepts it, else
`application/json` (also for a missing Accept or `*/*`); 406 when it accepts neither.

Status codes, the same for both media types (docs/api-security.md has the full table):
- 400: the request is not a GraphQL request (bad JSON, `query` missing or not a string,
  variables that are not an object or nest too deep), the document does not parse or
  validate, a variable does not coerce, or an argument or the query's depth or cost is out
  of bounds. No `data` entry: nothing ran.
- 405 a method other than GET and POST, or a mutation over GET; 413 a body over
  GRAPHQL_MAX_BODY_BYTES; 414 a query string over it; 415 a POST that is not JSON.
- 200 once execution has begun: field errors (a resolver's clear refusal, such as an
  invalid token) come with the data that could be produced, possibly `null`.
- 400 when the response would exceed GRAPHQL_MAX_RESPONSE_BYTES, 503 when the query ran
  past GRAPHQL_MAX_SECONDS: execution is stopped and nothing partial is sent.

A client's mistake is never logged above INFO; only an exception a resolver did not mean
(a bug) is logged at ERROR, and its answer says "Internal error", never the exception.
"""

import json
import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.views import View
from graphql import GraphQLError, execute, get_operation_ast

from cms.graphql.execution import FastExecutionContext, prepare
from cms.graphql.limits import (
    ExecutionLimitExceeded,
    check_variables,
    database_time_limit,
    measure_request,
)
from content.search import SearchTooLong

logger = logging.getLogger("cms.graphql")

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
# JSON bodies; and application/graphql, whose body is the document itself (older clients).
JSON_BODIES = ("application/json", "application/graphql-response+json")
POST_CONTENT_TYPES = (*JSON_BODIES, "application/graphql")
INTERNAL_ERROR = "Internal error while resolving this field; it has been logged."
# Exceptions that are a client's mistake, reported with their own message.
CLIENT_ERRORS = (SearchTooLong,)


class RequestError(Exception):
    """Not a valid GraphQL request: answered with `status` and nothing executed."""

    def __init__(self, status: int, message: str, errors=None):
        super().__init__(message)
        self.status = status
        self.errors = errors or [{"message": message}]


def response_media_type(accept: str) -> str | None:
    """The media type to answer with, from the Accept header (None: neither is accepted)."""
    if not accept.strip():
        return JSON
    accepted = {}
    for part in accept.split(","):
        media_type, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        accepted[media_type.lower()] = max(quality, accepted.get(media_type.lower(), 0.0))
    candidates = [
        (accepted.get(GRAPHQL_RESPONSE, 0.0), 1, GRAPHQL_RESPONSE),
        (
            max(
                accepted.get(JSON, 0.0),
                accepted.get("*/*", 0.0),
                accepted.get("application/*", 0.0),
            ),
            0,
            JSON,
        ),
    ]
    quality, _preference, media_type = max(candidates)
    return media_type if quality > 0 else None


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def format_error(error: GraphQLError) -> dict:
    """Our own errors and graphql-core's speak for themselves; anything else a resolver
    raised is a bug: logged with its traceback, answered with a generic message."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return error.formatted
    if isinstance(original, CLIENT_ERRORS):
        return {**error.formatted, "message": str(original)}
    logger.error("GraphQL resolver failed at %s", error.path, exc_info=original)
    return {**error.formatted, "message": INTERNAL_ERROR}


def _json_object(text: str, name: str):
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise RequestError(400, f"{name} is invalid JSON.") from err
    return value


class GraphQLHttpView(View):
    schema = None  # set by cms/urls.py
    http_method_names = ["get", "post", "options"]

    def dispatch(self, request, *args, **kwargs):
        media_type = response_media_type(request.headers.get("Accept", ""))
        if media_type is None:
            return self._answer(
                JSON, 406, {"errors": [{"message": f"Accept {GRAPHQL_RESPONSE} or {JSON}."}]}
            )
        try:
            if request.method not in ("GET", "POST"):
                raise RequestError(405, "Only GET and POST are allowed.")
            params = self.read_params(request)
            payload = self.run(request, *params)
        except RequestError as err:
            response = self._answer(media_type, err.status, {"errors": err.errors})
            if err.status == 405:
                response["Allow"] = "GET, POST"
            return response
        except ExecutionLimitExceeded as err:
            logger.info("GraphQL request stopped: %s", err.message)
            return self._answer(media_type, err.status, {"errors": [{"message": err.message}]})
        return self._answer(media_type, 200, payload)

    @staticmethod
    def _answer(media_type: str, status: int, payload: dict) -> HttpResponse:
        return HttpResponse(
            encode(payload), status=status, content_type=f"{media_type}; charset=utf-8"
        )

    def read_params(self, request) -> tuple:
        limit = settings.GRAPHQL_MAX_BODY_BYTES
        if len(request.META.get("QUERY_STRING", "")) > limit:
            raise RequestError(414, f"The query string is longer than {limit} bytes.")
        if request.method == "GET":
            data = request.GET
            variables = data.get("variables")
            variables = _json_object(variables, "variables") if variables else None
        else:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError as err:
                raise RequestError(400, "Content-Length is not a number.") from err
            if length > limit or len(request.body) > limit:
                raise RequestError(413, f"The request body is larger than {limit} bytes.")
            if request.content_type not in POST_CONTENT_TYPES:
                raise RequestError(415, "POST a JSON body (Content-Type: application/json).")
            try:
                text = request.body.decode("utf-8")
            except UnicodeDecodeError as err:
                raise RequestError(400, "The request body is not UTF-8.") from err
            if request.content_type == "application/graphql":
                data = {"query": text, **request.GET.dict()}
                variables = (
                    _json_object(data["variables"], "variables") if "variables" in data else None
                )
            else:
                data = _json_object(text, "The request body")
                if not isinstance(data, dict):
                    raise RequestError(400, "The request body must be a JSON object.")
                variables = data.get("variables")
        query, operation_name = data.get("query"), data.get("operationName")
        if query is None or query == "":
            raise RequestError(400, "Must provide query string.")
        if not isinstance(query, str):
            raise RequestError(400, "query must be a string.")
        if variables is not None and not isinstance(variables, dict):
            raise RequestError(400, "variables must be a JSON object.")
        if operation_name is not None and not isinstance(operation_name, str):
            raise RequestError(400, "operationName must be a string.")
        return query, variables or {}, operation_name or None

    def run(self, request, query: str, variables: dict, operation_name: str | None) -> dict:
        prepared = prepare(self.schema, query)
        if request.method == "GET" and prepared.operation_type(operation_name) not in (
            None,
            "query",
        ):
            raise RequestError(405, "Mutations must be sent with POST.")
        if prepared.errors:
            raise RequestError(400, "", [error.formatted for error in prepared.errors])
        operation = get_operation_ast(prepared.document, operation_name)
        if operation is None:
            raise RequestError(400, "Name the operation to run with operationName.")
        try:
            check_variables(variables)
            measure_request(prepared, operation, variables)
        except GraphQLError as error:
            raise RequestError(400, error.message, [error.formatted]) from error
        request.graphql_operation = operation
        with database_time_limit(settings.GRAPHQL_MAX_SECONDS):
            result = execute(
                prepared.schema,
                prepared.document,
                context_value=request,
                variable_values=variables,
                operation_name=operation_name,
                execution_context_class=FastExecutionContext,
            )
        if result.errors and result.data is None and _coercion_failed(result.errors):
            raise RequestError(400, "", [error.formatted for error in result.errors])
        if result.errors and any(_timed_out(error) for error in result.errors):
            raise ExecutionLimitExceeded(
                f"The query took longer than {settings.GRAPHQL_MAX_SECONDS} s.", 503
            )
        payload = {}
        if result.errors:
            payload["errors"] = [format_error(error) for error in result.errors]
        payload["data"] = result.data
        return payload


def _coercion_failed(errors) -> bool:
    """Variable values that do not fit their types: a request error (nothing executed)."""
    return all(error.path is None for error in errors)


def _timed_out(error: GraphQLError) -> bool:
    original = error.original_error
    return isinstance(original, DatabaseError) and any(
        word in str(original).lower() for word in ("interrupted", "statement timeout", "canceling")
    )
