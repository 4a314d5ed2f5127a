"""One request, read once (cms/graphql/request.py): the response cache, the view and the log
see the same document, variables and operation, through the real /graphql/ endpoint."""

import json
import logging
import urllib.parse

import pytest

from cms.graphql import request
from tests.content.factories import JobPostingPageFactory

pytestmark = pytest.mark.django_db

JOB = "query Job($slug: String) { job(slug: $slug) { title } }"


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.GRAPHQL_CACHE_SECONDS = 300


@pytest.fixture
def jobs(job_index):
    return {
        "a": JobPostingPageFactory(parent=job_index, title="Job A", slug="job-a"),
        "b": JobPostingPageFactory(parent=job_index, title="Job B", slug="job-b"),
    }


def title(response):
    assert response.status_code == 200, response.content
    return response.json()["data"]["job"]["title"]


def post_json(graphql, body, query_string=""):
    return graphql.http.post(
        "/graphql/" + query_string, data=json.dumps(body), content_type="application/json"
    )


def test_a_post_runs_and_is_cached_under_its_body_not_its_url(graphql, jobs):
    """The review's attack: `?query=A` (or `?variables=A`) on a POST whose body is B stored
    B's answer under A's key, so A's page showed job B for ten minutes."""
    url_a = "?" + urllib.parse.urlencode({"query": JOB, "variables": json.dumps({"slug": "job-a"})})
    poisoned = post_json(graphql, {"query": JOB, "variables": {"slug": "job-b"}}, url_a)
    assert title(poisoned) == "Job B"
    assert poisoned["X-Cache"] == "MISS"
    # A, asked for by GET and by POST, is A's answer; B's answer is kept under B.
    get_a = graphql.http.get("/graphql/" + url_a)
    assert (title(get_a), get_a["X-Cache"]) == ("Job A", "MISS")
    assert title(graphql.post(JOB, {"slug": "job-a"})) == "Job A"
    again_b = graphql.post(JOB, {"slug": "job-b"})
    assert (title(again_b), again_b["X-Cache"]) == ("Job B", "HIT")
    only_vars = post_json(
        graphql,
        {"query": JOB, "variables": {"slug": "job-a"}},
        "?" + urllib.parse.urlencode({"variables": json.dumps({"slug": "job-b"})}),
    )
    assert title(only_vars) == "Job A"


def test_each_request_is_parsed_once(graphql, jobs, monkeypatch):
    calls = []
    prepare = request.prepare
    monkeypatch.setattr(request, "prepare", lambda *a: calls.append(a) or prepare(*a))
    assert title(graphql.post(JOB, {"slug": "job-a"})) == "Job A"
    assert title(graphql.post(JOB, {"slug": "job-a"})) == "Job A"  # a hit
    assert len(calls) == 2


@pytest.mark.parametrize("variables", ['{"slug": "job-a"}', "", "[]", "null-ish", 5, ["job-a"]])
def test_variables_that_are_not_an_object_are_a_400_on_every_path(graphql, jobs, variables):
    response = post_json(graphql, {"query": JOB, "variables": variables})
    assert response.status_code == 400, response.content
    assert response.json() == {"errors": [{"message": "variables must be a JSON object."}]}
    assert response["X-Cache"] == "BYPASS"
    url = "?" + urllib.parse.urlencode({"query": JOB, "variables": json.dumps(variables)})
    assert graphql.http.get("/graphql/" + url).status_code == 400


@pytest.mark.parametrize(
    "nested",
    ["[" * 700 + "]" * 700, '{"a":' * 400 + "1" + "}" * 400, "[" * 30_000 + "]" * 30_000],
    ids=["arrays-700", "objects-400", "arrays-30000"],
)
def test_deep_variables_are_a_400_never_a_500(graphql, jobs, nested):
    query = "query($v: [String!]) { jobs(roles: $v) { items { title } } }"
    body = json.dumps({"query": query, "variables": {"v": "HOLE"}}).replace('"HOLE"', nested)
    response = graphql.http.post("/graphql/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "errors" in response.json() and "data" not in response.json()
    url = "?" + urllib.parse.urlencode({"query": query, "variables": '{"v": ' + nested + "}"})
    assert graphql.http.get("/graphql/" + url).status_code in (400, 414)


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        ("application/graphql-response+json;q=0, application/json", "application/json"),
        ("application/json;q=0.5, application/graphql-response+json", "application/graphql-"),
        ("text/html, application/graphql-response+json;q=0.1", "application/graphql-"),
    ],
)
def test_content_negotiation_is_djangos(graphql, jobs, accept, expected):
    response = graphql.post(JOB, {"slug": "job-a"}, HTTP_ACCEPT=accept)
    assert response["Content-Type"].startswith(expected)
    # The key holds the media type: the other type is its own entry, never this one.
    other = graphql.post(
        JOB,
        {"slug": "job-a"},
        HTTP_ACCEPT="application/graphql-response+json"
        if expected == "application/json"
        else "application/json",
    )
    assert not other["Content-Type"].startswith(expected)


def test_refused_requests_are_logged_with_what_was_read(graphql, caplog):
    caplog.set_level(logging.INFO, logger="cms.graphql.requests")
    graphql.http.get("/graphql/", {"query": "mutation M { __typename }"})
    [line] = [r.fields for r in caplog.records if r.name == "cms.graphql.requests"]
    assert (line["operation"], line["operation_type"], line["status"]) == ("M", "mutation", 405)
