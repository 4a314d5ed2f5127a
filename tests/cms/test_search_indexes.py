"""PostgreSQL can serve job search from indexes (migration content 0004).

The planner picks sequential scans on a handful of rows whatever the indexes, so this turns
them (and plain index scans) off and checks that the plan still has an index for each step:
a search that no index can serve shows up as a (disabled) sequential scan.
docs/benchmarks.md has the plans at 100,000 jobs.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from content.job_search import JobFilters, search_jobs, with_job_relations
from tests.factories import JobPostingPageFactory


def plans_for(filters: JobFilters) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        search_jobs(filters).count()
        list(with_job_relations(search_jobs(filters))[:20])
    plans = []
    with transaction.atomic(), connection.cursor() as cursor:
        # Only bitmap scans left: an index whose expression does not match the query's
        # cannot be used at all, and the plan falls back to a (disabled) sequential scan.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        for query in captured.captured_queries:
            if "wagtailsearch_indexentry" in query["sql"]:
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


@pytest.mark.django_db
def test_job_search_uses_the_search_and_join_indexes(job_index):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search plans; SQLite searches through FTS5")
    JobPostingPageFactory(parent=job_index, title="Postdoc in quantum optics")
    JobPostingPageFactory(parent=job_index, title="Lecturer in medieval history")
    # Other jobs' entries, so that "a job's entry" is no longer the selective condition.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO wagtailsearch_indexentry (content_type_id, object_id, title_norm,"
            " autocomplete, title, body, title_text, body_text)"
            " SELECT content_type_id, '-' || n, 1, '', to_tsvector('filler'),"
            " to_tsvector('filler ' || n), 'filler', 'filler'"
            " FROM wagtailsearch_indexentry, generate_series(1, 2000) AS n"
            " WHERE object_id = %s",
            [str(job_index.get_children().first().pk)],
        )
        cursor.execute("ANALYZE wagtailsearch_indexentry")
    filters = JobFilters(search="quantum optics")
    assert [job.title for job in search_jobs(filters)] == ["Postdoc in quantum optics"]
    plans = plans_for(filters)
    assert len(plans) == 2  # the count and the page
    for plan in plans:
        assert "content_search_title_body_gin" in plan, plan
        assert "Seq Scan on wagtailsearch_indexentry" not in plan, plan
        assert "Seq Scan on content_jobpostingpage" not in plan, plan
