"""Shared fixtures: a GraphQL client that posts like a frontend, and a small site tree."""

import atexit
import json
import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from config.celery import app as celery_app
from tests.content.factories import (
    GlossaryIndexPageFactory,
    GuideIndexPageFactory,
    JobIndexPageFactory,
    site_root,
)


def _remove_test_databases(folder, only_pid=None):
    """Delete this process's SQLite test database, or those of processes that are gone."""
    for path in folder.glob("test-*.sqlite3*"):
        pid = int(path.name.split("-")[1].split(".")[0])
        if only_pid is not None:
            if pid == only_pid:
                path.unlink(missing_ok=True)
            continue
        try:
            os.kill(pid, 0)
            continue  # still running
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except PermissionError:
            continue


def pytest_configure(config):
    folder = getattr(settings, "TEST_DATABASE_DIR", None)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_test_databases(folder)
        atexit.register(_remove_test_databases, folder, os.getpid())


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


@pytest.fixture
def eager_celery():
    """Tasks run in the test process; the end-to-end tests use a real worker instead."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False
