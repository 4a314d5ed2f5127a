"""Memory that anonymous clients cannot grow: distinct documents, valid or refused, sent to
the real /graphql/ endpoint, leave the parsed-document cache within its byte budget and the
process's resident memory within 50 MB (cms/graphql/documents.py)."""

import gc
import json
import logging
import os

import pytest
from django.test import Client

from cms.graphql.documents import documents

pytestmark = pytest.mark.django_db


def hostile(n: int) -> str:
    """The n-th of three kinds of about 1 KB and 250 tokens each: valid (cheap enough to
    run), refused by validation, refused by the parser."""
    aliases = " ".join(f"a{n}_{i}: __typename" for i in range(80))
    return [
        "{ roles { " + aliases + " } }",
        "{ roles { " + aliases + f" nope{n} }} }}",
        "{ roles { " + aliases + " } ",
    ][n % 3]


def send(client: Client, document: str) -> int:
    body = json.dumps({"query": document})
    return client.post("/graphql/", body, content_type="application/json").status_code


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.fixture(autouse=True)
def empty_document_cache():
    documents.clear()
    yield
    documents.clear()


def test_refused_documents_are_never_kept(graphql):
    for n in (1, 2, 4, 5):
        assert send(graphql.http, hostile(n)) == 400
    assert len(documents) == 0
    assert send(graphql.http, hostile(0)) == 200
    assert len(documents) == 1


def test_the_cache_stays_within_its_byte_budget(graphql, settings):
    settings.GRAPHQL_DOCUMENT_CACHE_BYTES = 8 * 1024 * 1024
    for n in range(0, 300, 3):
        assert send(graphql.http, hostile(n)) == 200
        assert documents.bytes <= settings.GRAPHQL_DOCUMENT_CACHE_BYTES
    assert 0 < len(documents) < 100
    # The most recent are kept: a repeat is served from the cache.
    before = len(documents)
    assert send(graphql.http, hostile(297)) == 200
    assert len(documents) == before


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux's /proc")
def test_two_thousand_distinct_hostile_documents_grow_the_process_by_under_50_mb(settings):
    """The review's attack: 80 refused 64 KB documents grew a worker by 259 MB, because the
    old LRU kept 512 parsed documents of any size, refused ones included."""
    settings.GRAPHQL_CACHE_SECONDS = 0  # the response cache is not what is measured here
    settings.GRAPHQL_MAX_SECONDS = 600  # nor time: a busy test machine must not turn 200s to 503s
    client = Client()
    for n in range(30):  # warm up: the schema, the first allocations of each path
        send(client, hostile(10_000 + n))
    gc.collect()
    before = resident_bytes()
    # No log records for the while: pytest keeps every record (and Django's carry the
    # request) for its report, which a server's handlers do not.
    logging.disable(logging.CRITICAL)
    try:
        statuses = {send(client, hostile(n)) for n in range(2000)}
    finally:
        logging.disable(logging.NOTSET)
    gc.collect()
    grown = resident_bytes() - before
    assert statuses == {200, 400}
    assert grown < 50 * 1024 * 1024, f"grew by {grown / 2**20:.0f} MB"
    assert documents.bytes <= settings.GRAPHQL_DOCUMENT_CACHE_BYTES
