"""A shared response cache in front of the public GraphQL view.

Only anonymous queries are cached: never a mutation, never a request carrying a token
argument (preview tokens, subscriber tokens), never a request with a session cookie or an
Authorization header, and never a response with errors. The key is the query as graphql-core
prints it (so whitespace and comments do not matter), the variables, the operation name, the
response's media type, the host, today's date and a global content generation that every
change able to alter a public answer bumps (content.visibility.changes_visibility).

Every public answer, HIT, MISS or 304, carries the same `Vary`, an ETag and no cookie; a 304
is only ever the answer to a GET.
"""

import functools
import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from cms.graphql.execution import prepare
from cms.graphql.http import response_media_type
from content.visibility import bump_generation, changes_visibility, current_generation

# Bigger bodies go straight to the view, whose own limits apply: we never parse them here.
MAX_CACHEABLE_BODY = 32 * 1024
NO_STORE = "private, no-store"
# The request headers an answer depends on; sent on HIT, MISS and 304 alike.
VARY = ("Accept", "Origin")


@dataclass
class GraphQLRequest:
    """What a request asks for, as far as caching and logging need to know."""

    variables: dict = field(default_factory=dict)
    operation_name: str | None = None
    operation_type: str | None = None  # "query", "mutation", "subscription"; None if unparsable
    normalised: str | None = None
    has_token: bool = False


def _has_token_key(value) -> bool:
    """Any key naming a token, at any depth of the variables."""
    if isinstance(value, dict):
        return any("token" in str(k).lower() or _has_token_key(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_token_key(item) for item in value)
    return False


def read_graphql_request(request) -> GraphQLRequest:
    """Parse the request once (the result is kept on the request); never raises."""
    if hasattr(request, "_graphql_request"):
        return request._graphql_request
    info = GraphQLRequest()
    request._graphql_request = info
    try:
        data = {}
        if request.method == "POST":
            if request.content_type != "application/json":
                return info
            if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_CACHEABLE_BODY:
                return info
            data = json.loads(request.body)
            if not isinstance(data, dict):
                return info
        query = request.GET.get("query") or data.get("query")
        variables = request.GET.get("variables") or data.get("variables") or {}
        if isinstance(variables, str):
            variables = json.loads(variables)
        operation_name = request.GET.get("operationName") or data.get("operationName")
        if not isinstance(query, str) or len(query) > MAX_CACHEABLE_BODY:
            return info
        if not isinstance(variables, dict) or not isinstance(operation_name, str | None):
            return info
        info.variables = variables
        from cms.graphql.schema import schema

        prepared = prepare(schema, query)
    except (ValueError, RecursionError):
        # Bad JSON, an oversized or unreadable body: the view answers those.
        return info
    if prepared.document is None:
        return info
    info.operation_type = prepared.operation_type(operation_name)
    info.operation_name = prepared.operation_name(operation_name)
    if not prepared.errors:  # an invalid document is answered 400, never cached
        info.normalised = prepared.normalised
        info.has_token = prepared.has_token_argument or _has_token_key(variables)
    return info


def is_cacheable(request, info: GraphQLRequest) -> bool:
    if settings.GRAPHQL_CACHE_SECONDS <= 0 or request.method not in ("GET", "POST"):
        return False
    if info.operation_type != "query" or info.has_token or info.normalised is None:
        return False
    extra_params = set(request.GET) - {"query", "variables", "operationName"}
    # A session cookie may mean a logged-in editor; their answers are never shared.
    return not (
        extra_params
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
    )


# --- Generation (content.visibility's): bumping it orphans every cached answer and fact.


def bump_on_change(**_kwargs) -> None:
    """Signal receiver: bump now (this process sees the change at once) and again after
    commit, so an answer cached from the old data between the two is orphaned too."""
    bump_generation()
    transaction.on_commit(bump_generation)


def cache_key(request, info: GraphQLRequest) -> str:
    material = json.dumps(
        [
            current_generation(),
            timezone.localdate().isoformat(),  # jobs close at midnight without a signal
            request.get_host(),
            response_media_type(request.headers.get("Accept", "")),
            info.normalised,
            info.variables,
            info.operation_name,
        ],
        sort_keys=True,
        separators=(",", ":"),
    )
    return "graphql:response:" + hashlib.sha256(material.encode()).hexdigest()


def _etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _public_headers(response, etag: str, state: str):
    response["ETag"] = etag
    response["X-Cache"] = state
    patch_cache_control(response, public=True, max_age=settings.GRAPHQL_CACHE_MAX_AGE)
    patch_vary_headers(response, VARY)
    response.cookies.clear()  # a shared answer never sets anyone's cookie
    return response


def _not_modified():
    # Streaming, so that CommonMiddleware adds no "Content-Length: 0" (RFC 9110 lets a 304
    # carry only the length the full answer would have had).
    return StreamingHttpResponse(iter(()), status=304)


def _answer(request, response, etag: str, state: str):
    if request.method == "GET" and etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
        response = _not_modified()
    return _public_headers(response, etag, state)


def _succeeded(response) -> bool:
    if response.status_code != 200 or getattr(response, "streaming", False):
        return False
    try:
        payload = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(payload, dict) and "errors" not in payload and "data" in payload


def cached_graphql(view):
    """Wrap the GraphQL view with the shared response cache and HTTP caching headers."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        info = read_graphql_request(request)
        if not is_cacheable(request, info):
            response = view(request, *args, **kwargs)
            response["Cache-Control"] = NO_STORE
            response["X-Cache"] = "BYPASS"
            return response
        key = cache_key(request, info)
        hit = cache.get(key)
        if hit is not None:
            content, content_type, etag = hit
            return _answer(request, HttpResponse(content, content_type=content_type), etag, "HIT")
        response = view(request, *args, **kwargs)
        if not _succeeded(response):
            response["Cache-Control"] = NO_STORE
            response["X-Cache"] = "BYPASS"
            return response
        etag = _etag(response.content)
        cache.set(
            key, (response.content, response["Content-Type"], etag), settings.GRAPHQL_CACHE_SECONDS
        )
        return _answer(request, response, etag, "MISS")

    return wrapper


# --- What counts as a content change: content.visibility decides.


def _on_model_change(sender, **kwargs):
    if changes_visibility(sender):
        bump_on_change()


def connect_invalidation() -> None:
    """Bump the generation on every lifecycle event (content/lifecycle.py: publish, unpublish,
    expiry, privacy, deletion, by any route), on a move, and on
    every saved or deleted row that can change a public answer (pages, drafts included:
    cheap and safe; taxonomy; collections and their restrictions; page restrictions; media;
    sites)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail import signals as wagtail_signals

    from content.lifecycle import content_changed

    content_changed.connect(bump_on_change, dispatch_uid="graphql-cache-lifecycle")
    for signal in (
        wagtail_signals.post_page_move,
        wagtail_signals.published,
        wagtail_signals.unpublished,
    ):
        signal.connect(bump_on_change, dispatch_uid=f"graphql-cache-{id(signal)}")
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_model_change, dispatch_uid=f"graphql-cache-{id(signal)}")
