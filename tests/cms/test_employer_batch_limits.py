"""The employer batch the docs promise (submitJobPostings, up to MAX_BATCH postings) fits the
endpoint's limits with realistic postings (2 KB descriptions): the body limit exactly, and the
time budget by its SQL statements (a count, not a clock: the machine's load decides seconds)."""

import json

from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.graphql.employers import MAX_BATCH
from tests.cms.test_employers import SUBMIT_MANY, api_key, good_input, moderated, oxford  # noqa: F401
from tests.content.factories import RoleFactory

# About 2 KB of HTML, as an HR system's posting text comes.
PARAGRAPH = (
    "<p>The Department invites applications for a postdoctoral research associate to join a "
    "team working on computational protein design. You will develop and apply machine "
    "learning methods to the design of enzymes, collaborate with experimental groups, and "
    "present your results at international conferences.</p>"
)
DESCRIPTION = PARAGRAPH * (2048 // len(PARAGRAPH) + 1)
# Statements per posting the budget allows: about 1 ms each on a quiet PostgreSQL, so a full
# batch stays well inside GRAPHQL_MAX_SECONDS (3 s).
SQL_PER_POSTING = 50


def batch() -> list[dict]:
    return [
        good_input(reference=f"OX-{n}", title=f"Postdoc {n}", description=DESCRIPTION)
        for n in range(MAX_BATCH)
    ]


def test_a_full_batch_with_2_kb_descriptions_fits_the_body_limit():
    body = json.dumps({"query": SUBMIT_MANY, "variables": {"postings": batch()}})
    assert len(DESCRIPTION) >= 2048
    assert len(body.encode()) <= django_settings.GRAPHQL_MAX_BODY_BYTES


def test_a_full_batch_is_accepted_within_its_statement_budget(
    graphql,
    moderated,  # noqa: F811
    api_key,  # noqa: F811
    settings,
):
    # The clock is not under test here (a loaded test machine is many times slower).
    settings.GRAPHQL_MAX_SECONDS = 120
    RoleFactory(slug="postdoc", name="Postdoc")
    with CaptureQueriesContext(connection) as queries:
        response = graphql.post(
            SUBMIT_MANY, {"postings": batch()}, HTTP_AUTHORIZATION=f"Bearer {api_key}"
        )
    assert response.status_code == 200, response.content[:300]
    outcome = response.json()["data"]["submitJobPostings"]
    assert [row["status"] for row in outcome["results"]] == ["created"] * MAX_BATCH, outcome
    assert len(queries) <= SQL_PER_POSTING * MAX_BATCH
