"""The kept combinations of values (content/open_counts.py, `COMBINATION`) count the
institution and funding too, so that a listing's total and jobFacets filtered by any of the
kept filters are read from them: the counted jobs' funding is read from the jobs, and the
combinations' rows are counted again from the counted jobs. And the
newest-first indexes carry the columns the filters compare, so that the newest jobs of a
filter are an index-only walk on PostgreSQL, with one for a country's jobs and one for the
CLOSING_SOON order."""

from django.db import migrations, models


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
_AFTER = (
    _BEFORE + " || '|' || COALESCE(CAST(institution_id AS VARCHAR(20)), '') || '|' || "
    "CASE WHEN funded THEN 'True' ELSE '' END"
)
_FUNDED = (
    "UPDATE content_countedjob SET funded = (SELECT j.funded FROM content_jobpostingpage j "
    "WHERE j.page_ptr_id = content_countedjob.job_id) WHERE EXISTS (SELECT 1 FROM "
    "content_jobpostingpage j WHERE j.page_ptr_id = content_countedjob.job_id AND j.funded)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0018_open_job_counts"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="countedjob", name="funded", field=models.BooleanField(default=False)
        ),
        migrations.RunSQL([_FUNDED, *_combinations(_AFTER)], _combinations(_BEFORE)),
        migrations.RemoveIndex(model_name="jobpostingpage", name="job_posted_idx"),
        migrations.AddIndex(
            model_name="jobpostingpage",
            index=models.Index(
                fields=["-posted_at", "-page_ptr"],
                include=(
                    "closing_date", "country", "role", "institution", "remote_policy", "funded"
                ),
                name="job_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="jobpostingpage",
            index=models.Index(
                fields=["country", "-posted_at", "-page_ptr"],
                include=("closing_date", "role", "institution", "remote_policy", "funded"),
                name="job_country_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="jobpostingpage",
            index=models.Index(
                fields=["closing_date", "-posted_at", "-page_ptr"],
                include=("country", "role", "institution", "remote_policy", "funded"),
                name="job_closing_soon_idx",
            ),
        ),
    ]
