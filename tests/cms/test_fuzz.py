"""schemathesis fuzzes every query and mutation field of the real /graphql/ endpoint (through
Django's WSGI handler, inside the test's transaction) on a small seeded site, and hypothesis
posts arbitrary bodies: no answer may be a 5xx, nor the generic error that stands for an
unexpected exception in a resolver.

Examples are derandomised, so CI runs the same bounded set every time; FUZZ_EXAMPLES raises
the count for a longer local hunt (`FUZZ_EXAMPLES=100 pytest tests/cms/test_fuzz.py`, after
switching `derandomize` off for new ground). What the hunts found is kept as regression tests
in test_limits.py ("found by tests/cms/test_fuzz.py") and as an @example below."""

import json
import os

import pytest
import schemathesis
import wagtail_factories
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cms.graphql.http import INTERNAL_ERROR
from tests.content.factories import (
    DefinitionPageFactory,
    DisciplineFactory,
    GuidePageFactory,
    InstitutionFactory,
    JobPostingPageFactory,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))


@pytest.fixture
def seeded_site(job_index, guide_index, glossary_index):
    parent = DisciplineFactory(name="Computer Science")
    ml = DisciplineFactory(name="Machine Learning", parent=parent)
    institution = InstitutionFactory(logo=wagtail_factories.ImageFactory())
    for _ in range(3):
        JobPostingPageFactory(parent=job_index, institution=institution, disciplines=[ml])
    JobPostingPageFactory(parent=job_index, live=False, title="Draft job")
    term = DefinitionPageFactory(parent=glossary_index, term="Deep learning")
    GuidePageFactory(
        parent=guide_index,
        body=json.dumps(
            [
                {"type": "heading", "value": {"text": "Why", "level": "h2"}},
                {"type": "definition_list", "value": {"heading": "", "terms": [term.pk]}},
            ]
        ),
    )


@pytest.fixture
def graphql_api(db, seeded_site):
    # As Django's test client does: a request's end must not close the connection that holds
    # the test's transaction (and its seeded site).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.graphql.from_wsgi("/graphql/", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


api = schemathesis.from_pytest_fixture("graphql_api")


@api.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_fuzzed_queries_never_get_a_server_error(case):
    response = case.call()
    text = response.get_data(as_text=True)
    assert response.status_code < 500, (case.body, text)
    # Nor an unexpected exception in a resolver (answered with a generic error, not a 500).
    assert INTERNAL_ERROR not in text, (case.body, text)
    assert response.status_code == 200 or response.json.get("errors"), response.json


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=10,
)
request_bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {},
        optional={
            "query": st.text(max_size=200) | json_values,
            "variables": json_values,
            "operationName": json_values,
        },
    ).map(json.dumps),
)


@given(
    body=request_bodies,
    content_type=st.sampled_from(
        ["application/json", "application/graphql", "text/plain", "multipart/form-data"]
    ),
)
@example(body=b"\x80", content_type="application/graphql")  # found by this test: was a 500
@settings(
    max_examples=EXAMPLES * 10,
    deadline=None,
    derandomize=True,
    # The client fixture holds no state between examples.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_arbitrary_bodies_never_get_a_server_error(graphql, body, content_type):
    response = graphql.http.post("/graphql/", data=body, content_type=content_type)
    assert response.status_code < 500, (body, response.content)
    assert response.json().get("errors") or response.status_code == 200, response.content
