"""PostgreSQL can serve job search from the GIN index of migration content 0004.

On a handful of rows the planner prefers other paths whatever the indexes, so the test makes
the job entries many (as in production), then leaves the planner only bitmap scans and hash
or merge joins: the search condition must then be answered by an index on the entries. A
search expression that the index does not match shows up as a (disabled) sequential scan.
How the plans look at 100,000 jobs, the join index included: docs/benchmarks.md.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from content.job_search import JobFilters, search_jobs, with_job_relations
from tests.content.factories import JobPostingPageFactory


def search_plans(filters: JobFilters) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        search_jobs(filters).count()
        list(with_job_relations(search_jobs(filters))[:20])
    plans = []
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_indexscan", "enable_nestloop"):
            cursor.execute(f"SET LOCAL {setting} = off")
        for query in captured.captured_queries:
            if "wagtailsearch_indexentry" in query["sql"]:
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


@pytest.mark.django_db
def test_job_search_uses_the_search_index(job_index):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search plans; SQLite searches through FTS5")
    job = JobPostingPageFactory(parent=job_index, title="Postdoc in quantum optics")
    JobPostingPageFactory(parent=job_index, title="Lecturer in medieval history")
    # Many other job entries, so "a job's entry" stops being the selective condition.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO wagtailsearch_indexentry (content_type_id, object_id, title_norm,"
            " autocomplete, title, body, title_text, body_text)"
            " SELECT content_type_id, '-' || n, 1, '', to_tsvector('filler'),"
            " to_tsvector('filler ' || n), 'filler', 'filler'"
            " FROM wagtailsearch_indexentry, generate_series(1, 2000) AS n"
            " WHERE object_id = %s",
            [str(job.pk)],
        )
        cursor.execute("ANALYZE wagtailsearch_indexentry")
    filters = JobFilters(search="quantum optics")
    assert [found.title for found in search_jobs(filters)] == ["Postdoc in quantum optics"]
    plans = search_plans(filters)
    assert len(plans) == 2  # the count and the page
    for plan in plans:
        assert "content_search_title_body_gin" in plan, plan
        assert "Seq Scan on wagtailsearch_indexentry" not in plan, plan
