"""The endpoint over a real socket, as a browser or a server-side frontend calls it."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.content.factories import JobIndexPageFactory, JobPostingPageFactory, site_root

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

QUERY = "{ jobs(perPage: 5) { items { title country { code } } pagination { total } } }"


def _call(request) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_post_and_get_over_http(live_server):
    jobs = JobIndexPageFactory(parent=site_root())
    JobPostingPageFactory(parent=jobs, title="Research engineer")

    post = urllib.request.Request(
        f"{live_server.url}/graphql/",
        data=json.dumps({"query": QUERY}).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    status, body = _call(post)
    assert status == 200
    assert body["data"]["jobs"] == {
        "items": [{"title": "Research engineer", "country": {"code": "GB"}}],
        "pagination": {"total": 1},
    }

    get = urllib.request.Request(
        f"{live_server.url}/graphql/?" + urllib.parse.urlencode({"query": QUERY}),
        headers={"Accept": "application/json"},
    )
    assert _call(get) == (status, body)


def test_malformed_body_is_a_client_error(live_server):
    bad = urllib.request.Request(
        f"{live_server.url}/graphql/",
        data=b"{not json",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    status, body = _call(bad)
    assert status == 400
    assert body["errors"]
