"""A partial index for content.visibility's per-request question "which unpublished pages
have children?" (their subtrees are hidden): without it every request scans the page table."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS page_unpublished_parent_idx ON wagtailcore_page (path) "
    "WHERE NOT live AND numchild > 0"
)
DROP = "DROP INDEX IF EXISTS page_unpublished_parent_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0010_application_fields_help_and_validators"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
