"""Which subscribers get which new jobs: one INSERT ... SELECT per job, no loop over people."""

import datetime as dt

from django.db import connection, transaction
from django.db.models import CharField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import StrIndex
from django.utils import timezone

from content.job_search import open_jobs
from content.models import Discipline, JobPostingPage
from notifications.models import AlertKeyword, Delivery, JobAlert, JobPublication, Subscriber


def _ancestors_and_self(discipline_ids, parents: dict[int, int | None]) -> set[int]:
    """An alert on a discipline matches jobs in it or below it, so a job matches alerts on
    any of its disciplines' ancestors."""
    found: set[int] = set()
    for pk in discipline_ids:
        while pk is not None and pk not in found:
            found.add(pk)
            pk = parents.get(pk)
    return found


def _keyword_text(job: JobPostingPage) -> str:
    names = " ".join(d.name for d in job.disciplines.all())
    return " ".join((job.title, job.keywords, job.department, names)).lower()


def _criteria_met(alerts, job: JobPostingPage, text: str):
    """Narrow candidate alerts to those whose other criteria the job meets."""
    alert = OuterRef("pk")
    roles = JobAlert.roles.through.objects.filter(jobalert_id=alert)
    keywords = AlertKeyword.objects.filter(alert_id=alert)
    text = Value(text, output_field=CharField())
    return (
        alerts.filter(~Exists(roles) | Exists(roles.filter(role_id=job.role_id)))
        .filter(Q(countries="") | Q(countries__contains=f",{job.country},"))
        .filter(Q(remote="") | Q(remote=job.remote_policy))
        .filter(
            ~Exists(keywords)
            | Exists(keywords.annotate(at=StrIndex(text, F("keyword"))).filter(at__gt=0))
        )
    )


def matching_subscribers(job: JobPostingPage, frequency: str, published_at, parents):
    """Ids of confirmed subscribers with an alert of this frequency that the job meets.

    Candidates come from two indexed paths, so the work follows the alerts that can match,
    not all alerts: those naming one of the job's disciplines (or an ancestor), and those
    naming none."""
    active = JobAlert.objects.filter(
        frequency=frequency,
        active_since__lte=published_at,
        subscriber__status=Subscriber.Status.CONFIRMED,
    )
    text = _keyword_text(job)
    anywhere = _criteria_met(active.filter(any_discipline=True), job, text)
    wanted = _ancestors_and_self([d.pk for d in job.disciplines.all()], parents)
    if not wanted:
        return anywhere.values("subscriber_id")
    in_field = _criteria_met(
        active.filter(
            pk__in=JobAlert.disciplines.through.objects.filter(discipline_id__in=wanted).values(
                "jobalert_id"
            )
        ),
        job,
        text,
    )
    return in_field.values("subscriber_id").union(anywhere.values("subscriber_id"))


def _reserve(job: JobPostingPage, frequency: str, published_at, parents, run_id: int) -> int:
    """Insert a pending ledger row per matching subscriber not already given this job."""
    subscribers = matching_subscribers(job, frequency, published_at, parents)
    select_sql, select_params = subscribers.query.sql_with_params()
    table = Delivery._meta.db_table
    # DISTINCT: a subscriber with several matching alerts is one row. The unique
    # (subscriber, job) constraint turns a second match (another frequency, a concurrent
    # run) into a no-op instead of a second email.
    sql = (
        f"INSERT INTO {table} (subscriber_id, job_id, run_id, status, created_at, claim, error) "
        f"SELECT DISTINCT m.subscriber_id, %s, %s, %s, %s, '', '' FROM ({select_sql}) m "
        "WHERE 1 = 1 ON CONFLICT (subscriber_id, job_id) DO NOTHING"
    )
    params = (job.pk, run_id, Delivery.Status.PENDING, timezone.now(), *select_params)
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
        parents = dict(Discipline.objects.values_list("id", "parent_id"))
        planned, reserved = 0, 0
        for job in jobs:
            planned += 1
            reserved += _reserve(job, frequency, published[job.pk], parents, run_id)
        JobPublication.objects.filter(job_id__in=published).update(**{field: timezone.now()})
    if connection.vendor == "postgresql" and reserved > ANALYZE_AFTER_ROWS:
        # The batches query the ledger right away, before autovacuum has seen these rows;
        # with stale statistics PostgreSQL would scan the whole table for every batch.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Delivery._meta.db_table}")
    return planned, reserved
