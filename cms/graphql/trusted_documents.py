"""Trusted documents: GraphQL documents named by id (the persisted-documents appendix of the
GraphQL over HTTP specification).

The reference frontend's build writes every document it sends to
`frontend/src/gql/persisted-documents.json` ({sha256 hex: text}, GraphQL Code Generator's
client preset); the deploy publishes that manifest here (`manage.py publish_trusted_documents`)
and the frontend then names each document as `documentId: "sha256:<hex>"`, by GET for queries
with the variables in the URL, so a CDN can cache the answer.

With GRAPHQL_TRUSTED_DOCUMENTS = "trusted", an anonymous client can run nothing else: a
hostile document is refused before it is parsed, validated or priced (cms/graphql/request.py).
Published documents were validated once, at publication; the request layer still checks each
request's variables and prices the operation with them.
"""

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass

from django.db import transaction

from cms.graphql.documents import prepare
from cms.models import TrustedDocument

PREFIX = "sha256:"
DOCUMENT_ID = re.compile(r"sha256:[0-9a-f]{64}")
# Ids → texts kept per process. Ids are content-addressed, so an entry never goes stale;
# the bound only caps memory (a frontend has a few dozen documents).
CACHE_ENTRIES = 1024
_texts: OrderedDict[str, str] = OrderedDict()


class ManifestError(ValueError):
    """The manifest cannot be published; nothing of it was stored."""


@dataclass(frozen=True)
class Published:
    added: int
    already: int
    removed: int


def document_id(text: str) -> str:
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def text_for(document_id: str) -> str | None:
    """The published text named by this id, or None (a malformed id costs no query)."""
    if not DOCUMENT_ID.fullmatch(document_id):
        return None
    text = _texts.get(document_id)
    if text is None:
        text = TrustedDocument.objects.filter(pk=document_id).values_list("text", flat=True).first()
        if text is None:
            return None
        _texts[document_id] = text
        if len(_texts) > CACHE_ENTRIES:
            _texts.popitem(last=False)
    return text


def forget_cached() -> None:
    """Drop this process's copies (after documents are removed; tests)."""
    _texts.clear()


def publish(manifest: dict, *, replace: bool = False) -> Published:
    """Store every document of a build manifest ({sha256 hex or "sha256:<hex>": text}).

    All or nothing: each text must hash to its id and validate against the schema, else
    ManifestError names the first bad entry and nothing is stored. `replace` removes the
    documents this manifest no longer has (keep them while older frontends still run)."""
    from cms.graphql.schema import schema

    if not isinstance(manifest, dict) or not manifest:
        raise ManifestError("The manifest must be a non-empty JSON object of id: document.")
    documents = {}
    for key, text in manifest.items():
        name = key if str(key).startswith(PREFIX) else PREFIX + str(key)
        if not isinstance(text, str) or not DOCUMENT_ID.fullmatch(name):
            raise ManifestError(f"{key!r}: ids are SHA-256 hex digests and documents are text.")
        if document_id(text) != name:
            raise ManifestError(f"{key!r}: the document's SHA-256 is not its id.")
        prepared = prepare(schema, text)
        if prepared.errors:
            raise ManifestError(f"{key!r}: {prepared.errors[0].message}")
        documents[name] = text
    with transaction.atomic():
        known = set(TrustedDocument.objects.filter(pk__in=documents).values_list("pk", flat=True))
        TrustedDocument.objects.bulk_create(
            TrustedDocument(document_id=name, text=text)
            for name, text in documents.items()
            if name not in known
        )
        removed = 0
        if replace:
            removed, _ = TrustedDocument.objects.exclude(pk__in=documents).delete()
    if removed:
        forget_cached()
    return Published(added=len(documents) - len(known), already=len(known), removed=removed)
