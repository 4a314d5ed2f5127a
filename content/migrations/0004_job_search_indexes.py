"""Indexes the PostgreSQL plans of filtered and searched `jobs` queries use (bench/scale.py,
docs/benchmarks.md "Jobs at scale").

Wagtail's database search backend matches `(title || body) @@ query` on its index entries,
which its separate GIN indexes on `title` and `body` cannot serve; without this expression
index every search reads every entry. It lives in Wagtail's table, so it is raw SQL, and only
on PostgreSQL (SQLite searches through FTS5).
"""

import django.db.models.functions.comparison
from django.db import migrations, models

SEARCH_INDEX = "content_search_title_body_gin"


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} "
            "ON wagtailsearch_indexentry USING gin ((title || body))"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0003_employer_accounts"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="jobpostingpage",
            index=models.Index(
                django.db.models.functions.comparison.Cast(
                    "page_ptr", output_field=models.CharField(max_length=50)
                ),
                name="job_page_id_text_idx",
            ),
        ),
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
