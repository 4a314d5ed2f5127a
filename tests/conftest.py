"""Shared fixtures: a GraphQL client that posts like a frontend, and a small site tree."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import (
    GlossaryIndexPageFactory,
    GuideIndexPageFactory,
    JobIndexPageFactory,
    site_root,
)


class GraphQLClient:
    """Posts JSON to /graphql/ through Django's full request stack."""

    def __init__(self):
        self.http = Client()

    def post(self, query: str, variables: dict | None = None, **extra):
        body = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return self.http.post(
            "/graphql/", data=json.dumps(body), content_type="application/json", **extra
        )

    def execute(self, query: str, variables: dict | None = None) -> dict:
        """Run a query that must succeed; return its `data`."""
        response = self.post(query, variables)
        payload = response.json()
        assert response.status_code == 200, payload
        assert "errors" not in payload, payload["errors"]
        return payload["data"]

    def errors(self, query: str, variables: dict | None = None) -> list[dict]:
        """Run a query that must fail cleanly (a 4xx or a GraphQL error, never a 500)."""
        response = self.post(query, variables)
        assert response.status_code < 500, response.content
        payload = response.json()
        assert payload.get("errors"), payload
        return payload["errors"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: cached GraphQL answers (and anything else kept
    there) must not outlive the database rows a test rolls back."""
    if hasattr(cache, "delete_pattern"):
        # django-redis: only our prefixed keys. clear() would FLUSHDB, taking the Celery
        # broker's queues with it when both share a Redis database.
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture
def graphql(db) -> GraphQLClient:
    return GraphQLClient()


@pytest.fixture
def job_index(db):
    return JobIndexPageFactory(parent=site_root())


@pytest.fixture
def guide_index(db):
    return GuideIndexPageFactory(parent=site_root())


@pytest.fixture
def glossary_index(db):
    return GlossaryIndexPageFactory(parent=site_root())
