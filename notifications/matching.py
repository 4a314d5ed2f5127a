"""Which subscribers get which new jobs: one set-based INSERT ... SELECT per chunk of jobs,
no loop over people."""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from content.discipline_tree import DisciplineTree
from content.job_search import ALERT_FILTERS
from content.models import Discipline, JobPostingPage
from content.visibility import open_jobs
from notifications.models import (
    AlertKeyword,
    Delivery,
    DeliverySummary,
    JobAlert,
    JobPublication,
    Subscriber,
)


def _keyword_text(job: JobPostingPage) -> str:
    names = " ".join(d.name for d in job.disciplines.all())
    return " ".join((job.title, job.keywords, job.department, names)).lower()


# Alert keywords are substrings of the job's text; the function's name differs by vendor.
_SUBSTRING_AT = {"postgresql": "strpos", "sqlite": "instr"}

JOBS_PER_STATEMENT = 100

# The criteria the matching tests, as content.job_search.FILTERS declares them: the "tree"
# one (disciplines) makes the candidate pairs, each of the others a condition on a column
# the jobs' VALUES list carries.
(TREE,) = [f for f in ALERT_FILTERS if f.alert.stored == "tree"]
# (The many-to-many ones last: their outer joins are the dearest test.)
COLUMN_FILTERS = sorted(
    (f for f in ALERT_FILTERS if f.alert.stored != "tree"), key=lambda f: f.alert.stored == "set"
)


def _job_column(job_filter) -> str:
    return JobPostingPage._meta.get_field(job_filter.alert.job_field).column


def _job_values(job: JobPostingPage) -> list:
    """The job's value for each column criterion, in COLUMN_FILTERS order."""
    return [getattr(job, _job_column(job_filter)) for job_filter in COLUMN_FILTERS]


def _values(rows, width: int) -> tuple[str, list]:
    """A VALUES list of placeholders for rows of `width` columns, and their parameters."""
    row = "(" + ", ".join(["%s"] * width) + ")"
    return ", ".join([row] * len(rows)), [value for r in rows for value in r]


def _condition(job_filter) -> tuple[str, str]:
    """(joins, condition) testing one column criterion of alert `a` against job `j`.
    Empty (no rows, '') matches any job. Many-to-many criteria are outer joins, not NOT IN:
    a NOT IN list too big for work_mem stops being hashed and is scanned again for every
    candidate."""
    quote = connection.ops.quote_name
    name, stored, job_column = job_filter.name, job_filter.alert.stored, _job_column(job_filter)
    if stored == "set":
        m2m = JobAlert._meta.get_field(name)
        through = quote(m2m.remote_field.through._meta.db_table)
        alert_id, value_id = m2m.m2m_column_name(), m2m.m2m_reverse_name()
        joins = (
            f"LEFT JOIN (SELECT DISTINCT {alert_id} AS alert_id FROM {through}) any_{name} "
            f"ON any_{name}.alert_id = a.id "
            f"LEFT JOIN {through} {name} ON {name}.{alert_id} = a.id "
            f"AND {name}.{value_id} = j.{job_column} "
        )
        return joins, f"(any_{name}.alert_id IS NULL OR {name}.{alert_id} IS NOT NULL)"
    column = JobAlert._meta.get_field(name).column
    if stored == "list":
        return "", f"(a.{column} = '' OR a.{column} LIKE '%%,' || j.{job_column} || ',%%')"
    return "", f"(a.{column} = '' OR a.{column} = j.{job_column})"


def _matching_sql(job_rows, tree_pairs, frequency: str) -> tuple[str, list]:
    """(subscriber_id, job_id, alert_id) for the jobs given as VALUES: each matching pair
    once, with the first of the subscriber's alerts that matched (the email's group).

    Set-based so the database can hash-join instead of probing alerts job by job:
    candidate (alert, job) pairs are the alerts naming one of a job's disciplines (or an
    ancestor) plus the alerts naming none; the other criteria filter those pairs. Only
    alerts with keywords look at their keyword rows, one index probe per candidate."""
    quote = connection.ops.quote_name
    alerts = quote(JobAlert._meta.db_table)
    subscribers = quote(Subscriber._meta.db_table)
    summaries = quote(DeliverySummary._meta.db_table)
    keywords = quote(AlertKeyword._meta.db_table)
    keyword_alert = AlertKeyword._meta.get_field("alert").column
    tree_m2m = JobAlert._meta.get_field(TREE.name)
    alert_tree = quote(tree_m2m.remote_field.through._meta.db_table)
    tree_alert, tree_id = tree_m2m.m2m_column_name(), tree_m2m.m2m_reverse_name()
    substring_at = _SUBSTRING_AT[connection.vendor]

    columns = [_job_column(job_filter) for job_filter in COLUMN_FILTERS]
    jobs_values, params = _values(job_rows, len(columns) + 3)
    ctes = [f"jobs (job_id, published_at, {', '.join(columns)}, text) AS (VALUES {jobs_values})"]
    candidates = [
        f"SELECT a.id AS alert_id, j.job_id FROM jobs j CROSS JOIN {alerts} a "
        "WHERE a.any_discipline AND a.frequency = %s"
    ]
    if tree_pairs:
        pairs_values, pairs_params = _values(tree_pairs, 2)
        ctes.append(f"job_tree (job_id, value_id) AS (VALUES {pairs_values})")
        params += pairs_params
        candidates.append(
            f"SELECT t.{tree_alert}, jt.job_id FROM job_tree jt "
            f"JOIN {alert_tree} t ON t.{tree_id} = jt.value_id"
        )
    ctes.append(f"candidates (alert_id, job_id) AS ({' UNION ALL '.join(candidates)})")
    params.append(frequency)  # placeholders count in text order: this one follows the VALUES
    joins, conditions = zip(*map(_condition, COLUMN_FILTERS), strict=True)
    sql = (
        f"WITH {', '.join(ctes)} "
        "SELECT a.subscriber_id, j.job_id, MIN(a.id) AS alert_id FROM candidates c "
        "JOIN jobs j ON j.job_id = c.job_id "
        f"JOIN {alerts} a ON a.id = c.alert_id "
        f"JOIN {subscribers} s ON s.id = a.subscriber_id "
        # Compacted ledger rows (notifications/retention.py): jobs first published up to
        # `through` were decided for this subscriber already.
        f"LEFT JOIN {summaries} ds ON ds.subscriber_id = a.subscriber_id "
        f"{''.join(joins)}"
        f"LEFT JOIN (SELECT DISTINCT {keyword_alert} AS alert_id FROM {keywords}) any_keyword "
        "ON any_keyword.alert_id = a.id "
        "WHERE a.frequency = %s AND s.status = %s AND a.active_since <= j.published_at "
        "AND a.paused_at IS NULL AND (ds.through IS NULL OR j.published_at > ds.through) "
        f"AND {' AND '.join(conditions)} "
        "AND (any_keyword.alert_id IS NULL "
        f"OR EXISTS (SELECT 1 FROM {keywords} k WHERE k.{keyword_alert} = a.id "
        f"AND {substring_at}(j.text, k.keyword) > 0)) "
        "GROUP BY a.subscriber_id, j.job_id"
    )
    return sql, [*params, frequency, Subscriber.Status.CONFIRMED]


def _reserve(jobs, frequency: str, published, tree: DisciplineTree, run_id: int) -> int:
    """Insert a pending ledger row per matching (subscriber, job) not already reserved."""
    adapt = connection.ops.adapt_datetimefield_value
    job_rows = [
        (job.pk, adapt(published[job.pk]), *_job_values(job), _keyword_text(job)) for job in jobs
    ]
    # The tree criterion matches a value or anything below it, so a job matches alerts on
    # any of its values' ancestors.
    tree_pairs = [
        (job.pk, value_id)
        for job in jobs
        for value_id in tree.ancestors_and_self(
            [value.pk for value in getattr(job, TREE.alert.job_field).all()]
        )
    ]
    matches, params = _matching_sql(job_rows, tree_pairs, frequency)
    table = connection.ops.quote_name(Delivery._meta.db_table)
    # GROUP BY: a subscriber with several matching alerts is one row. The unique
    # (subscriber, job) constraint turns a second match (another frequency, a concurrent
    # run) into a no-op instead of a second email. ORDER BY puts a subscriber's rows next
    # to each other on disk: sending reads and updates them subscriber by subscriber.
    # (WHERE 1 = 1 keeps SQLite from reading ON CONFLICT as a join's ON.)
    sql = (
        f"INSERT INTO {table} "
        "(subscriber_id, job_id, alert_id, run_id, status, created_at, claim, error) "
        f"SELECT m.subscriber_id, m.job_id, m.alert_id, %s, %s, %s, '', '' FROM ({matches}) m "
        "WHERE 1 = 1 ORDER BY m.subscriber_id, m.job_id "
        "ON CONFLICT (subscriber_id, job_id) DO NOTHING"
    )
    params = [run_id, Delivery.Status.PENDING, adapt(timezone.now()), *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


ANALYZE_AFTER_ROWS = 5000


def oldest_unplanned(frequency: str) -> dt.datetime | None:
    field = JobPublication.planned_field(frequency)
    return (
        JobPublication.objects.filter(**{f"{field}__isnull": True})
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def plan(frequency: str, run_id: int, cutoff: dt.datetime) -> tuple[int, int]:
    """Match every publication of this frequency not yet planned (up to cutoff) against the
    alerts and reserve ledger rows. One transaction: all of it or none. Returns
    (open jobs planned, deliveries reserved)."""
    field = JobPublication.planned_field(frequency)
    with transaction.atomic():
        publications = JobPublication.objects.filter(
            **{f"{field}__isnull": True}, published_at__lte=cutoff
        ).order_by("published_at")
        if connection.features.has_select_for_update_skip_locked:
            # Two runs of one frequency at once split the work instead of doubling it.
            publications = publications.select_for_update(skip_locked=True)
        published = dict(publications.values_list("job_id", "published_at"))
        if not published:
            return 0, 0
        # Jobs unpublished, expired or closed since they were published are left out.
        jobs = open_jobs(JobPostingPage.objects.filter(pk__in=published)).prefetch_related(
            "disciplines"
        )
        tree = DisciplineTree(Discipline.objects.values_list("id", "parent_id"))
        jobs = list(jobs)
        reserved = 0
        for start in range(0, len(jobs), JOBS_PER_STATEMENT):
            chunk = jobs[start : start + JOBS_PER_STATEMENT]
            reserved += _reserve(chunk, frequency, published, tree, run_id)
        planned = len(jobs)
        JobPublication.objects.filter(job_id__in=published).update(**{field: timezone.now()})
    if connection.vendor == "postgresql" and reserved > ANALYZE_AFTER_ROWS:
        # The batches query the ledger right away, before autovacuum has seen these rows;
        # with stale statistics PostgreSQL would scan the whole table for every batch.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Delivery._meta.db_table}")
    return planned, reserved
