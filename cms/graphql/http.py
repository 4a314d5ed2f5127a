"""GraphQL over HTTP (the GraphQL-over-HTTP specification), for the public endpoint.

The request is read and checked once (cms/graphql/request.py); this view answers its error
or runs it. Media types: `application/graphql-response+json` when the client accepts it,
else `application/json` (also for a missing Accept or `*/*`); 406 when it accepts neither.

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

from django.http import HttpResponse
from django.views import View
from graphql import GraphQLError, execute

from cms.graphql.execution import FastExecutionContext
from cms.graphql.limits import ExecutionLimitExceeded, time_budget
from cms.graphql.request import GraphQLRequest, RequestError, graphql_request
from content.search import SearchTooLong

logger = logging.getLogger("cms.graphql")

INTERNAL_ERROR = "Internal error while resolving this field; it has been logged."
# Exceptions that are a client's mistake, reported with their own message.
CLIENT_ERRORS = (SearchTooLong,)


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


class GraphQLHttpView(View):
    http_method_names = ["get", "post", "options"]

    def dispatch(self, request, *args, **kwargs):
        graphql = graphql_request(request)
        try:
            if graphql.error is not None:
                raise graphql.error
            payload = run(request, graphql)
        except RequestError as err:
            response = answer(graphql.media_type, err.status, {"errors": err.errors})
            if err.status == 405:
                response["Allow"] = "GET, POST"
            return response
        except ExecutionLimitExceeded as err:
            logger.info("GraphQL request stopped: %s", err.message)
            return answer(graphql.media_type, err.status, {"errors": [{"message": err.message}]})
        return answer(graphql.media_type, 200, payload)


def answer(media_type: str, status: int, payload: dict) -> HttpResponse:
    return HttpResponse(encode(payload), status=status, content_type=f"{media_type}; charset=utf-8")


def run(request, graphql: GraphQLRequest) -> dict:
    """Execute the request's checked operation within its time budget."""
    with time_budget(graphql.deadline):
        result = execute(
            graphql.prepared.schema,
            graphql.prepared.document,
            context_value=request,
            variable_values=graphql.variables,
            operation_name=graphql.operation_name,
            execution_context_class=FastExecutionContext,
        )
    if result.errors and result.data is None and _coercion_failed(result.errors):
        raise RequestError(400, "", [error.formatted for error in result.errors])
    payload = {}
    if result.errors:
        payload["errors"] = [format_error(error) for error in result.errors]
    payload["data"] = result.data
    return payload


def _coercion_failed(errors) -> bool:
    """Variable values that do not fit their types: a request error (nothing executed)."""
    return all(error.path is None for error in errors)
