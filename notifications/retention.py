"""Bounded growth: what the delivery ledger, first-publication records and digest runs keep.

Daily from beat (notifications.tasks.apply_retention), with one setting,
NOTIFICATIONS_LEDGER_RETENTION_DAYS (docs/notifications.md, "Retention"):
- ledger rows (`Delivery`) older than the window, once settled (sent, failed or skipped), are
  compacted into their subscriber's `DeliverySummary`: counts, and `through`, the moment up
  to which every job first published counts as decided for that subscriber. Planning
  reserves no row for such a job (notifications/matching.py), so "never the same job twice"
  still holds, with one row per subscriber instead of one per job sent;
- first-publication records (`JobPublication`) older than the window are deleted; a job first
  published before the window is never a first publication again
  (notifications/publishing.py), so republishing an old job sends nothing;
- digest runs older than the window are deleted;
- institutions' notices (`InstitutionNotice`, a ledger of what each was told about a posting)
  older than the window are deleted once their posting is gone (closed-job retention,
  content/retention.py): there is nothing left to tell twice.
The window must be longer than the slowest digest (weekly) takes to plan a job: a job not
planned within it is not sent to a subscriber whose rows were compacted past it.
"""

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from wagtail.models import Page

from notifications.models import (
    Delivery,
    DeliverySummary,
    DigestRun,
    InstitutionNotice,
    JobPublication,
    Subscriber,
)

SUBSCRIBERS_PER_STEP = 2000


def cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """The start of the retention window."""
    days = settings.NOTIFICATIONS_LEDGER_RETENTION_DAYS
    return (now or timezone.now()) - dt.timedelta(days=days)


def compact_ledger(now: dt.datetime | None = None, step: int = SUBSCRIBERS_PER_STEP) -> int:
    """Fold settled ledger rows created before the window into their subscribers' summaries,
    `step` subscribers per transaction (through the (subscriber, job) index). Returns the
    rows compacted."""
    through = cutoff(now)
    settled = ~Q(status=Delivery.Status.PENDING) & Q(created_at__lt=through)
    compacted = 0
    after = 0
    while True:
        ids = list(
            Subscriber.objects.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:step]
        )
        if not ids:
            return compacted
        after = ids[-1]
        compacted += _compact(ids, settled, through)


def _compact(ids: list[int], settled: Q, through: dt.datetime) -> int:
    status = Delivery.Status
    with transaction.atomic():
        rows = Delivery.objects.filter(settled, subscriber_id__any_of=ids)
        counts = {
            row["subscriber_id"]: row
            for row in rows.order_by()
            .values("subscriber_id")
            .annotate(
                sent=Count("pk", filter=Q(status=status.SENT)),
                failed=Count("pk", filter=Q(status=status.FAILED)),
                skipped=Count("pk", filter=Q(status=status.SKIPPED)),
                last_sent_at=Max("sent_at"),
            )
        }
        if not counts:
            return 0
        summaries = DeliverySummary.objects.select_for_update().in_bulk(list(counts))
        new = []
        for subscriber_id, row in counts.items():
            summary = summaries.get(subscriber_id)
            if summary is None:
                summary = DeliverySummary(subscriber_id=subscriber_id, through=through)
                new.append(summary)
            summary.through = max(summary.through, through)
            summary.sent += row["sent"]
            summary.failed += row["failed"]
            summary.skipped += row["skipped"]
            last = [at for at in (summary.last_sent_at, row["last_sent_at"]) if at]
            summary.last_sent_at = max(last) if last else None
        DeliverySummary.objects.bulk_create(new)
        DeliverySummary.objects.bulk_update(
            list(summaries.values()), ["through", "sent", "failed", "skipped", "last_sent_at"]
        )
        deleted, _ = rows.delete()
    return deleted


def prune_publications(now: dt.datetime | None = None) -> int:
    deleted, _ = JobPublication.objects.filter(published_at__lt=cutoff(now)).delete()
    return deleted


def prune_digest_runs(now: dt.datetime | None = None) -> int:
    """Runs started before the window. One DELETE: through the ORM, Django would first null
    `Delivery.run` of their rows, a scan of the ledger (which has no index on it); the
    rows of runs that old are compacted anyway, and `run` is only a label."""
    table = connection.ops.quote_name(DigestRun._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE started_at < %s",
            [connection.ops.adapt_datetimefield_value(cutoff(now))],
        )
        return max(cursor.rowcount, 0)


def prune_notices(now: dt.datetime | None = None) -> int:
    """Settled notices made before the window about postings that no longer exist."""
    unsettled = [InstitutionNotice.Status.PENDING, InstitutionNotice.Status.SENDING]
    deleted, _ = (
        InstitutionNotice.objects.filter(page_id__isnull=False, created_at__lt=cutoff(now))
        .exclude(status__in=unsettled)
        .exclude(page_id__in=Page.objects.values("pk"))
        .delete()
    )
    return deleted


def apply(now: dt.datetime | None = None) -> dict[str, int]:
    """All of the above; returns what each removed."""
    return {
        "ledger_rows_compacted": compact_ledger(now),
        "publications_pruned": prune_publications(now),
        "digest_runs_pruned": prune_digest_runs(now),
        "notices_pruned": prune_notices(now),
    }
