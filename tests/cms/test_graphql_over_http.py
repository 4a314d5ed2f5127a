"""GraphQL over HTTP: media types, status codes, and the limits that stop a request while it
runs, through the real endpoint."""

import json
import logging

import pytest

from tests.content.factories import JobPostingPageFactory

pytestmark = pytest.mark.django_db

GRAPHQL_RESPONSE = "application/graphql-response+json"


def post(graphql, query, variables=None, accept=None):
    extra = {"HTTP_ACCEPT": accept} if accept else {}
    return graphql.post(query, variables, **extra)


@pytest.mark.parametrize("accept", [None, "application/json", "*/*", GRAPHQL_RESPONSE])
def test_media_type_follows_accept(graphql, accept):
    response = post(graphql, "{ roles { slug } }", accept=accept)
    expected = GRAPHQL_RESPONSE if accept == GRAPHQL_RESPONSE else "application/json"
    assert response.status_code == 200
    assert response["Content-Type"] == f"{expected}; charset=utf-8"
    assert response.json() == {"data": {"roles": []}}


def test_graphql_response_json_is_preferred_when_both_are_accepted(graphql):
    accept = f"application/json;q=0.9, {GRAPHQL_RESPONSE}"
    assert post(graphql, "{ __typename }", accept=accept)["Content-Type"].startswith(
        GRAPHQL_RESPONSE
    )


def test_unacceptable_media_type_is_406(graphql):
    assert post(graphql, "{ __typename }", accept="text/html").status_code == 406


@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
@pytest.mark.parametrize(
    "query, variables, words",
    [
        ("{ jobs(perPage: 1000) { items { id } } }", None, "perPage must be at least 1"),
        ("{ jobs(page: -1) { items { id } } }", None, "page must be at least 1"),
        ("query($n: Int) { jobs(perPage: $n) { items { id } } }", {"n": 1000}, "perPage"),
        ('{ jobs(postedAfter: "yesterday") { items { id } } }', None, "Date"),
        ("query($d: Date) { jobs(postedAfter: $d) { items { id } } }", {"d": "2026-13-45"}, ""),
        ("{ jobs(order: SOONEST) { items { id } } }", None, "JobOrder"),
        ("{ jobs { items { nope } } }", None, "Cannot query field"),
    ],
)
def test_request_errors_are_400_without_data(graphql, accept, query, variables, words):
    response = post(graphql, query, variables, accept=accept)
    assert response.status_code == 400, response.content
    payload = response.json()
    assert "data" not in payload
    assert words in payload["errors"][0]["message"]


def test_field_errors_are_200_with_the_data_that_could_be_made(graphql):
    response = post(graphql, "{ roles { slug } page { id } }", accept=GRAPHQL_RESPONSE)
    assert response.status_code == 200
    payload = response.json()
    assert payload["data"] == {"roles": [], "page": None}
    assert payload["errors"][0]["path"] == ["page"]


# --- Amplification: no free field, no unbounded response -----------------------------------


def test_typename_aliases_are_priced(graphql):
    """The review's attack: a fragment of 3,000 `__typename` aliases spread under 33 aliased
    100-job pages passed the old cost rule (which priced `__` fields at 0)."""
    fragment = (
        "fragment F on JobPostingPage { "
        + " ".join(f"t{n}: __typename" for n in range(3000))
        + " }"
    )
    pages = " ".join(f"p{n}: jobs(perPage: 100) {{ items {{ ...F }} }}" for n in range(33))
    response = graphql.post("{ " + pages + " } " + fragment)
    assert response.status_code == 400
    assert "Query cost" in response.json()["errors"][0]["message"]


def test_introspection_is_priced_per_root(graphql):
    many = " ".join(f"s{n}: __schema {{ types {{ name }} }}" for n in range(20))
    assert graphql.post("{ " + many + " }").status_code == 400
    assert graphql.post("{ __schema { types { name fields { name } } } }").status_code == 200


def test_oversized_response_is_refused_before_it_is_built(graphql, job_index, settings, caplog):
    settings.GRAPHQL_MAX_RESPONSE_BYTES = 2000
    for n in range(5):
        JobPostingPageFactory(parent=job_index, title=f"Job {n}", description="<p>x</p>" * 50)
    with caplog.at_level(logging.INFO, logger="cms.graphql"):
        response = graphql.post("{ jobs { items { title description } } }")
    assert response.status_code == 400
    assert "larger than 2000 bytes" in response.json()["errors"][0]["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert response["X-Cache"] == "BYPASS"


def test_a_request_past_the_time_limit_is_stopped(graphql, job_index, settings):
    settings.GRAPHQL_MAX_SECONDS = 0
    JobPostingPageFactory(parent=job_index)
    response = graphql.post("{ jobs { items { title } } }")
    assert response.status_code == 503
    assert "took longer than" in response.json()["errors"][0]["message"]


# --- Bad input never becomes a 500 or an "Internal error" ------------------------------------


def test_deeply_nested_variables_are_a_400(graphql):
    nested = "[" * 30_000 + "]" * 30_000
    body = '{"query": "query($v: [String!]) { jobs(roles: $v) { items { id } } }", '
    body += f'"variables": {{"v": {nested}}}}}'
    response = graphql.http.post("/graphql/", data=body, content_type="application/json")
    assert response.status_code == 400
    shallow = {"v": [[[[[[[[[["x"]]]]]]]]]]}
    response = graphql.post("query($v: [String!]) { jobs(roles: $v) { items { id } } }", shallow)
    assert response.status_code == 400
    assert "nest deeper" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("search", ['"', '""', "*", "a AND (", "NEAR(", "-", "^x", "'; DROP", ":"])
def test_search_punctuation_is_not_an_error(graphql, job_index, caplog, search):
    JobPostingPageFactory(parent=job_index, title="Optics postdoc")
    with caplog.at_level(logging.WARNING):
        data = graphql.execute(
            "query($s: String) { jobs(search: $s) { items { title } } jobFacets(search: $s) "
            "{ total } guides(search: $s) { items { title } } pages(searchQuery: $s) { title } "
            "search(query: $s) { __typename } }",
            {"s": search},
        )
    assert data["jobs"]["items"] == [] and data["jobFacets"]["total"] == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_search_keeps_words_around_punctuation(graphql, job_index):
    JobPostingPageFactory(parent=job_index, title="Optics postdoc")
    data = graphql.execute('{ jobs(search: "\\"optics\\" (postdoc)") { items { title } } }')
    assert data["jobs"]["items"] == [{"title": "Optics postdoc"}]


def test_too_long_a_search_is_a_clear_error(graphql):
    errors = graphql.post(
        "query($s: String) { jobs(search: $s) { items { id } } }", {"s": "x" * 201}
    )
    message = json.loads(errors.content)["errors"][0]["message"]
    assert message == "search is limited to 200 characters."
