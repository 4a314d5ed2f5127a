"""A shared response cache in front of the public GraphQL view.

Only anonymous queries are cached: never a mutation, never a request carrying a token
argument (preview tokens, subscriber tokens), never a request with a session cookie or an
Authorization header, and never a response with errors. The request is read once
(cms/graphql/request.py) and the key is exactly what the view runs: the document as
graphql-core prints it (so whitespace and comments do not matter), the variables, the
operation, the response's media type, the host, today's date and a global content
generation that every change able to alter a public answer bumps
(content.visibility.changes_visibility).

Every public answer, HIT, MISS or 304, carries the same `Vary`, an ETag and no cookie; a 304
is only ever the answer to a GET.
"""

import functools
import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from cms.graphql.request import GraphQLRequest, graphql_request
from content.visibility import bump_generation, changes_visibility, current_generation

NO_STORE = "private, no-store"
# The request headers an answer depends on; sent on HIT, MISS and 304 alike.
VARY = ("Accept", "Origin")


def is_cacheable(request, graphql: GraphQLRequest) -> bool:
    """A checked anonymous query with no token: refused requests, mutations (anywhere in the
    document) and token requests go straight to the view."""
    if settings.GRAPHQL_CACHE_SECONDS <= 0 or graphql.error is not None:
        return False
    if graphql.operation_type != "query" or graphql.has_token:
        return False
    extra_params = set(request.GET) - {"query", "documentId", "variables", "operationName"}
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


def cache_key(request, graphql: GraphQLRequest) -> str:
    """Exactly what runs (the document as graphql-core prints it, the variables, the
    operation), how it is answered (media type, host) and when (generation, date)."""
    material = json.dumps(
        [
            current_generation(),
            timezone.localdate().isoformat(),  # jobs close at midnight without a signal
            request.get_host(),
            graphql.media_type,
            graphql.prepared.normalised,
            graphql.variables,
            graphql.operation_name,
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
        graphql = graphql_request(request)
        if not is_cacheable(request, graphql):
            response = view(request, *args, **kwargs)
            response["Cache-Control"] = NO_STORE
            response["X-Cache"] = "BYPASS"
            return response
        key = cache_key(request, graphql)
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
    expiry, privacy, deletion, a move, by any route), and on
    every saved or deleted row that can change a public answer (pages, drafts included:
    cheap and safe; taxonomy; collections and their restrictions; page restrictions; media;
    sites)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from content.lifecycle import content_changed

    # Wagtail's own publish, unpublish and move signals reach the lifecycle (a reorder among
    # siblings, which is not an event, saves the page: post_save below).
    content_changed.connect(bump_on_change, dispatch_uid="graphql-cache-lifecycle")
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_model_change, dispatch_uid=f"graphql-cache-{id(signal)}")
