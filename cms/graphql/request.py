"""One GraphQL request, read and checked once: the response cache, the view that executes it
and the request log all use the object `graphql_request` returns.

An earlier layout had the cache read `query`/`variables` itself (from the URL when present)
while the view ran the POST body: a POST with `?query=A` and body B stored B's answer under
A's key. Here there is one reading, so the cache key is exactly what runs.

What is read, in order (the first failure is the request's answer, and nothing runs):
- the response's media type, negotiated once with Django's `get_preferred_type` (406);
- the method (405), the query string's and body's sizes (414, 413), the body's type (415);
- the parameters: for GET the URL's `query` or `documentId`, `variables` (JSON text) and
  `operationName`; for a JSON POST the body's, and nothing from the URL; for an
  `application/graphql` POST the body is the document and the rest comes from the URL (400
  for bad JSON, neither or both of `query` and `documentId`, a `query` that is not a string,
  an unknown `documentId`, `variables` that are not a JSON object, an `operationName` that
  is not a string);
- the policy (GRAPHQL_TRUSTED_DOCUMENTS = "trusted"): an anonymous client's document text is
  a 403 before it is parsed (cms/graphql/trusted_documents.py);
- the document: parsed and validated (cms/graphql/documents.py's `prepare`), a mutation
  over GET (405), the operation to run (400);
- the variables (depth, NUL, token keys; walked without recursion) and the operation's
  depth, cost and argument bounds (cms/graphql/limits.py) (400).
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from graphql import GraphQLError, OperationDefinitionNode, get_operation_ast

from cms.graphql.documents import prepare
from cms.graphql.limits import Deadline, check_variables, measure_request
from cms.graphql.trusted_documents import text_for
from content.employers.accounts import employer_for_request

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
# JSON bodies; and application/graphql, whose body is the document itself (older clients).
JSON_BODIES = ("application/json", "application/graphql-response+json")
POST_CONTENT_TYPES = (*JSON_BODIES, "application/graphql")
# In order of preference for an Accept that takes both equally (`*/*`): plain JSON.
MEDIA_TYPES = (JSON, GRAPHQL_RESPONSE)


class RequestError(Exception):
    """Not a valid GraphQL request: answered with `status` and nothing executed."""

    def __init__(self, status: int, message: str, errors=None):
        super().__init__(message)
        self.status = status
        self.errors = errors or [{"message": message}]


@dataclass(eq=False)
class GraphQLRequest:
    """A request as read once. `error` set: answer it and run nothing. Otherwise `prepared`
    and `operation` are what runs, with `variables`."""

    method: str
    media_type: str  # the response's (JSON for a 406, whose answer is JSON)
    deadline: Deadline  # the request's time budget, started as it is read
    body: bytes = b""
    document_text: str | None = None
    document_id: str | None = None  # a trusted document's id, when the request named one
    variables: dict = field(default_factory=dict)
    operation_name: str | None = None  # the operation that runs (None: the unnamed one)
    operation_type: str | None = None  # "query", "mutation", ...; None if unparsable
    has_token: bool = False  # a token argument in the document or a token key in variables
    prepared: object = None  # cms.graphql.documents.PreparedDocument
    operation: OperationDefinitionNode | None = None
    error: RequestError | None = None


def graphql_request(request) -> GraphQLRequest:
    """The request's GraphQL reading, made on first use and kept on the request."""
    read = getattr(request, "graphql", None)
    if read is None:
        read = _read(request)
        request.graphql = read
    return read


def _read(request) -> GraphQLRequest:
    media_type = negotiate(request)
    read = GraphQLRequest(
        method=request.method,
        media_type=media_type or JSON,
        deadline=Deadline(settings.GRAPHQL_MAX_SECONDS),
    )
    try:
        if media_type is None:
            raise RequestError(406, f"Accept {GRAPHQL_RESPONSE} or {JSON}.")
        _read_params(request, read)
        _check_policy(request, read)
        _read_document(read)
    except RequestError as error:
        # A fresh exception, without the traceback and cause that would keep the parsed
        # document (and this frame's locals) alive as long as the request.
        read.error = RequestError(error.status, str(error), error.errors)
    return read


def negotiate(request) -> str | None:
    """The media type to answer with; a blank or missing Accept means plain JSON."""
    if not request.headers.get("Accept", "").strip():
        return JSON
    return request.get_preferred_type(MEDIA_TYPES)


def _json(text: str, name: str):
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        raise RequestError(400, f"{name} is invalid JSON.") from err


def _read_params(request, read: GraphQLRequest) -> None:
    if request.method not in ("GET", "POST"):
        raise RequestError(405, "Only GET and POST are allowed.")
    limit = settings.GRAPHQL_MAX_BODY_BYTES
    if len(request.META.get("QUERY_STRING", "")) > limit:
        raise RequestError(414, f"The query string is longer than {limit} bytes.")
    if request.method == "GET":
        params = _url_params(request)
    else:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError as err:
            raise RequestError(400, "Content-Length is not a number.") from err
        if length > limit:
            raise RequestError(413, f"The request body is larger than {limit} bytes.")
        if request.content_type not in POST_CONTENT_TYPES:
            raise RequestError(415, "POST a JSON body (Content-Type: application/json).")
        read.body = request.body
        if len(read.body) > limit:
            raise RequestError(413, f"The request body is larger than {limit} bytes.")
        try:
            text = read.body.decode("utf-8")
        except UnicodeDecodeError as err:
            raise RequestError(400, "The request body is not UTF-8.") from err
        if request.content_type == "application/graphql":
            params = {**_url_params(request), "query": text}
        else:
            params = _json(text, "The request body")
            if not isinstance(params, dict):
                raise RequestError(400, "The request body must be a JSON object.")
    query, variables = params.get("query"), params.get("variables")
    operation_name, named = params.get("operationName"), params.get("documentId")
    if named is not None:
        if query is not None:
            raise RequestError(400, "Send either query or documentId, not both.")
        read.document_id = named
        query = text_for(named) if isinstance(named, str) else None
        if query is None:
            raise RequestError(
                400,
                "",
                [
                    {
                        "message": "Unknown documentId: name a published trusted document.",
                        "extensions": {"code": "PERSISTED_DOCUMENT_NOT_FOUND"},
                    }
                ],
            )
    if query is None or query == "":
        raise RequestError(400, "Must provide query string.")
    if not isinstance(query, str):
        raise RequestError(400, "query must be a string.")
    if variables is not None and not isinstance(variables, dict):
        raise RequestError(400, "variables must be a JSON object.")
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestError(400, "operationName must be a string.")
    read.document_text = query
    read.variables = variables or {}
    read.operation_name = operation_name or None


def _url_params(request) -> dict:
    """GET's parameters (and those of an application/graphql POST): `variables` is JSON text."""
    params = {name: request.GET.get(name) for name in ("query", "documentId", "operationName")}
    variables = request.GET.get("variables")
    params["variables"] = _json(variables, "variables") if variables else None
    return params


def _check_policy(request, read: GraphQLRequest) -> None:
    """Trusted documents only, for anonymous clients, when the setting says so."""
    if settings.GRAPHQL_TRUSTED_DOCUMENTS != "trusted" or read.document_id is not None:
        return
    user = getattr(request, "user", None)
    if (user is not None and user.is_authenticated) or employer_for_request(request):
        return
    raise RequestError(
        403,
        "",
        [
            {
                "message": "This server runs only trusted documents for anonymous clients: "
                "send documentId.",
                "extensions": {"code": "PERSISTED_DOCUMENT_REQUIRED"},
            }
        ],
    )


def _read_document(read: GraphQLRequest) -> None:
    from cms.graphql.schema import schema

    prepared = prepare(schema, read.document_text)
    read.operation_type = prepared.operation_type(read.operation_name)
    read.operation_name = prepared.operation_name(read.operation_name)
    if read.method == "GET" and read.operation_type not in (None, "query"):
        raise RequestError(405, "Mutations must be sent with POST.")
    if prepared.errors:
        raise RequestError(400, "", [error.formatted for error in prepared.errors])
    operation = get_operation_ast(prepared.document, read.operation_name)
    if operation is None:
        raise RequestError(400, "Name the operation to run with operationName.")
    try:
        token_keys = check_variables(read.variables)
        measure_request(prepared, operation, read.variables)
    except GraphQLError as error:
        raise RequestError(400, error.message, [error.formatted]) from error
    read.has_token = prepared.has_token_argument or token_keys
    read.prepared = prepared
    read.operation = operation
