"""The kept combinations of values (content/open_counts.py, `COMBINATION`) count the
institution too, so that a listing's total and jobFacets filtered by any of the kept
filters are read from them: their rows are counted again from the counted jobs."""

from django.db import migrations


def _combinations(fields: str) -> list[str]:
    return [
        "DELETE FROM content_openjobcount WHERE dimension = 'combination'",
        "INSERT INTO content_openjobcount (dimension, key, closing_date, go_live_at, expire_at, n) "
        f"SELECT 'combination', {fields}, closing_date, go_live_at, expire_at, COUNT(*) "
        "FROM content_countedjob GROUP BY 2, 3, 4, 5",
    ]


_BEFORE = (
    "COALESCE(CAST(role_id AS VARCHAR(20)), '') || '|' || disciplines || '|' || country "
    "|| '|' || remote_policy"
)
_AFTER = _BEFORE + " || '|' || COALESCE(CAST(institution_id AS VARCHAR(20)), '')"


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0018_open_job_counts"),
    ]

    operations = [
        migrations.RunSQL(_combinations(_AFTER), _combinations(_BEFORE)),
    ]
