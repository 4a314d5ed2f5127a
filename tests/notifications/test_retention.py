"""Bounded growth (notifications/retention.py): old ledger rows compacted without ever
sending a job twice, publication records and digest runs pruned, Wagtail's revision purge."""

import datetime as dt

import pytest
from django.core import mail
from django.db.models import F
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Page, Revision

from content.tasks import purge_revisions
from notifications import retention
from notifications.models import (
    Delivery,
    DeliverySummary,
    DigestRun,
    InstitutionNotice,
    JobAlert,
    JobPublication,
)
from notifications.tasks import apply_retention
from tests.notifications.factories import confirmed_subscriber, publish_job
from tests.notifications.test_digests import run_now

pytestmark = pytest.mark.django_db

RETENTION = override_settings(NOTIFICATIONS_LEDGER_RETENTION_DAYS=30)


def age(**delta):
    """Make everything so far older by `delta` (Wagtail reads its own clock, so the data moves
    back rather than the clock forward)."""
    back = dt.timedelta(**delta)
    Delivery.objects.update(created_at=F("created_at") - back, sent_at=F("sent_at") - back)
    JobPublication.objects.update(published_at=F("published_at") - back)
    DigestRun.objects.update(started_at=F("started_at") - back)
    Page.objects.update(first_published_at=F("first_published_at") - back)
    Revision.objects.update(created_at=F("created_at") - back)
    JobAlert.objects.update(active_since=F("active_since") - back)


def recipients() -> list[str]:
    return [message.to[0] for message in mail.outbox]


@RETENTION
def test_a_compacted_subscriber_is_never_sent_an_old_job_again(job_index, eager_celery):
    since = timezone.now() - dt.timedelta(minutes=1)
    ann = confirmed_subscriber("ann@example.org", since=since)
    old = publish_job(job_index, title="Old postdoc")
    run_now()
    assert recipients() == ["ann@example.org"]

    age(days=40)
    now = timezone.now()
    done = retention.apply(now)
    assert done["ledger_rows_compacted"] == 1
    assert done["publications_pruned"] == 1
    assert not Delivery.objects.exists()
    summary = DeliverySummary.objects.get(subscriber=ann)
    assert (summary.sent, summary.failed, summary.skipped) == (1, 0, 0)
    assert summary.through == now - dt.timedelta(days=30)

    # Whatever plans the old job again (a restored record here), the ledger still knows.
    mail.outbox.clear()
    old.refresh_from_db()
    JobPublication.objects.create(job=old, published_at=old.first_published_at)
    run_now()
    assert recipients() == []
    assert not Delivery.objects.exists()

    # The control: without the summary the same plan would send it again.
    summary.delete()
    JobPublication.objects.filter(job=old).update(instant_planned_at=None)
    run_now()
    assert recipients() == ["ann@example.org"]


@RETENTION
def test_new_jobs_still_reach_a_compacted_subscriber(job_index, eager_celery):
    confirmed_subscriber("ann@example.org", since=timezone.now() - dt.timedelta(minutes=1))
    publish_job(job_index, title="Old postdoc")
    run_now()
    age(days=40)
    retention.apply()
    mail.outbox.clear()
    publish_job(job_index, title="New postdoc")
    run_now()
    assert recipients() == ["ann@example.org"]
    assert "New postdoc" in mail.outbox[0].body and "Old postdoc" not in mail.outbox[0].body


@RETENTION
def test_republishing_an_old_job_records_no_new_publication(job_index, eager_celery):
    old = publish_job(job_index, title="Old postdoc")
    age(days=40)
    retention.apply()
    assert not JobPublication.objects.exists()
    old.refresh_from_db()
    old.save_revision().publish()
    assert not JobPublication.objects.exists()


@RETENTION
def test_recent_and_pending_rows_stay_and_counts_add_up(job_index, eager_celery):
    ann = confirmed_subscriber("ann@example.org", since=timezone.now() - dt.timedelta(minutes=1))
    publish_job(job_index, title="First")
    run_now()
    age(days=20)
    publish_job(job_index, title="Second")
    run_now()
    age(days=15)  # First is 35 days old, Second 15
    apply_retention()
    assert list(Delivery.objects.values_list("job__title", flat=True)) == ["Second"]
    assert DeliverySummary.objects.get(subscriber=ann).sent == 1
    assert DigestRun.objects.count() == 1

    # A pending row, however old, is still to be sent: it stays.
    Delivery.objects.update(status=Delivery.Status.PENDING)
    age(days=40)
    retention.apply()
    assert list(Delivery.objects.values_list("job__title", flat=True)) == ["Second"]
    assert DeliverySummary.objects.get(subscriber=ann).sent == 1


@override_settings(REVISIONS_RETENTION_DAYS=30)
def test_old_revisions_are_purged_but_the_live_one_stays(job_index):
    job = publish_job(job_index, title="Postdoc")
    job.title = "Postdoc (edited)"
    job.save_revision().publish()
    assert Revision.objects.for_instance(job).count() == 2
    age(days=31)
    purge_revisions()
    job.refresh_from_db()
    assert list(Revision.objects.for_instance(job).values_list("pk", flat=True)) == [
        job.live_revision_id
    ]


@RETENTION
def test_notices_of_deleted_postings_are_pruned_after_the_window(job_index):
    kept_job = publish_job(job_index, title="Kept")
    gone_job = publish_job(job_index, title="Gone")
    institution = kept_job.institution
    sent = InstitutionNotice.Status.SENT

    def notice(key, page_id, days_ago, status=sent):
        InstitutionNotice.objects.create(
            key=key, kind="closed", institution=institution, page_id=page_id, status=status,
            created_at=timezone.now() - dt.timedelta(days=days_ago),
        )  # fmt: skip

    gone_id = gone_job.pk
    gone_job.delete()
    notice("closed:kept", kept_job.pk, 40)  # its posting still exists
    notice("closed:gone-old", gone_id, 40)
    notice("closed:gone-recent", gone_id, 10)  # inside the window
    notice("closed:gone-pending", gone_id, 40, InstitutionNotice.Status.PENDING)
    InstitutionNotice.objects.filter(key__startswith="published:").delete()

    assert retention.apply()["notices_pruned"] == 1
    assert set(InstitutionNotice.objects.values_list("key", flat=True)) == {
        "closed:kept",
        "closed:gone-recent",
        "closed:gone-pending",
    }
