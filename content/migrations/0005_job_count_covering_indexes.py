"""Covering indexes so that counting open jobs (the `total` of every listing, the facets) is
an index-only scan on PostgreSQL rather than a read of the wide job rows (rich text) and the
page rows (bench/scale.py, docs/benchmarks.md "Jobs at scale").

Open jobs are a closing date and a live, unexpired page; the filters are the job's country,
role, institution, remote policy, employment type and funding. Raw SQL, and only on
PostgreSQL: SQLite has no INCLUDE, and the page half is on Wagtail's table.
"""

from django.db import migrations

INDEXES = {
    "job_open_cover_idx": (
        "content_jobpostingpage (closing_date) INCLUDE (page_ptr_id, country, role_id,"
        " institution_id, remote_policy, employment_type, funded)"
    ),
    "content_live_page_cover_idx": (
        "wagtailcore_page (id) INCLUDE (expire_at, first_published_at) WHERE live"
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0004_job_search_indexes"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
