"""schemathesis fuzzes every root field of the real /graphql/ endpoint (through Django's WSGI
handler, inside the test's transaction) on a small seeded site: no answer may be a 5xx.

Examples are derandomised, so CI runs the same bounded set every time; FUZZ_EXAMPLES raises
the count for a longer local hunt (FUZZ_EXAMPLES=200 pytest tests/cms/test_fuzz.py). Failures
found that way are kept as plain regression tests at the end of this file."""

import json
import os

import pytest
import schemathesis
import wagtail_factories
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import (
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
    return schemathesis.graphql.from_wsgi("/graphql/", get_wsgi_application())


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
    assert response.status_code < 500, (case.body, response.get_data(as_text=True))
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
