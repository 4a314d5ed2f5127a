"""`content_tsvector_concat(tsvector)`: PostgreSQL's tsvector `||` as an aggregate, so bulk
imports build a page's search vector from its parts in SQL (content/imports/bulk_search.py). The
empty vector is the start, as `'' || v` is v. Only on PostgreSQL; SQLite searches by FTS5.
"""

from django.db import migrations


def create_aggregate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE AGGREGATE content_tsvector_concat(tsvector) "
            "(SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '')"
        )


def drop_aggregate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP AGGREGATE IF EXISTS content_tsvector_concat(tsvector)")


class Migration(migrations.Migration):
    dependencies = [("content", "0012_single_line_feed_and_branding_names")]

    operations = [migrations.RunPython(create_aggregate, drop_aggregate)]
