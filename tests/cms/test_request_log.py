"""One structured JSON log line per GraphQL request, without personal data."""

import json
import logging

import pytest

from cms.log_format import JsonFormatter
from tests.content.factories import JobPostingPageFactory

LOGGER = "cms.graphql.requests"
QUERY = """
query OpenJobs($search: String) { jobs(search: $search) { items { title } } }
"""


@pytest.fixture
def lines(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)

    def read() -> list[dict]:
        records = [r for r in caplog.records if r.name == LOGGER]
        return [json.loads(JsonFormatter().format(r)) for r in records]

    return read


def test_one_line_per_request_with_the_operation_and_costs(graphql, job_index, lines, settings):
    settings.GRAPHQL_CACHE_SECONDS = 300
    JobPostingPageFactory(parent=job_index)
    secret = "someone@example.org"
    graphql.post(QUERY, {"search": secret})
    graphql.post(QUERY, {"search": secret})
    miss, hit = lines()
    for line in (miss, hit):
        assert line["event"] == "graphql_request"
        assert line["operation"] == "OpenJobs"
        assert line["operation_type"] == "query"
        assert line["status"] == 200
        assert isinstance(line["duration_ms"], float)
        assert line["level"] == "INFO"
        assert line["time"].endswith("+00:00")
        raw = JsonFormatter().format(logging.makeLogRecord({"name": LOGGER, "fields": line}))
        assert secret not in raw
        assert "variables" not in line
        assert "query" not in line
    assert (miss["cache"], hit["cache"]) == ("MISS", "HIT")
    assert miss["sql_queries"] > 0
    assert hit["sql_queries"] == 0


def test_failed_and_unparsable_requests_are_logged_too(graphql, lines):
    graphql.post("query Broken { jobs { nope } }")
    graphql.http.post("/graphql/", "not json", content_type="application/json")
    broken, garbage = lines()
    assert broken["operation"] == "Broken"
    assert broken["status"] == 400
    assert broken["cache"] == "BYPASS"
    assert garbage["operation"] is None
    assert garbage["status"] == 400
