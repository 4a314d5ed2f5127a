"""Digest runs: plan (match and reserve), hand out batches, send them.

The ledger protocol, per job and subscriber (a `Delivery` row):
1. planning reserves the row as `pending` in the planning transaction;
2. a batch claims pending rows for a while (a lease), so no two workers send one row;
3. after the SMTP server accepts an email, an `AcceptedEmail` row (claim, subscriber) is
   committed before the next email goes out (notifications/accepted.py);
4. whenever the batch stops, its accepted emails' rows become `sent` in one statement that
   also drops their records ("settling" them).
A worker that dies before 4 leaves pending rows whose lease runs out; before they are handed
out again (by the next run, beat runs INSTANT every minute, or by a retry or redelivery of
the same batch) the records of 3 are settled, so only emails without a record are sent again.
Between the server's "250 OK" and the commit of step 3 lies the one window in which a crash
causes a duplicate: at most one email per crashed worker process (see docs/notifications.md).
"""

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from content.models import JobPostingPage
from content.visibility import open_jobs
from notifications import accepted, bounces, sending, suppression
from notifications.email import (
    CLOSING_DATE,
    JOB_FIELDS,
    Group,
    alert_titles,
    digest_email,
    load_branding,
    render_job,
)
from notifications.matching import oldest_unplanned, plan
from notifications.models import (
    AcceptedEmail,
    Delivery,
    DigestRun,
    Frequency,
    SentEmails,
    Subscriber,
)
from notifications.publishing import record_missed_publications
from notifications.sql import any_of_sql

logger = logging.getLogger(__name__)


class TransientSendError(Exception):
    """The SMTP server or the network said "not now"; the batch is retried later."""


class ProviderDeferred(sending.ProviderDeferred, TransientSendError):
    """A 4xx for one email: its receiving provider said "not now" (notifications/throttling.py).
    The batch sends that provider nothing more and is retried for it after the others."""


def _claimable() -> Q:
    return Q(status=Delivery.Status.PENDING) & (Q(claim="") | Q(claimed_until__lt=timezone.now()))


# --- planning and handing out ---------------------------------------------------------------


def run_digest(
    frequency: str, *, force: bool = False, send: Callable[[int, str, list[int]], None]
) -> DigestRun | None:
    """One digest run: plan new jobs of this frequency, then give every subscriber with
    pending deliveries (new ones and any left by a crashed run) to
    `send(run_id, claim, subscriber_ids)`.

    INSTANT waits until the oldest unplanned job has waited the batching window, so jobs
    published close together share one email; `force` sends everything pending now.
    Returns the run, or None when there was nothing to do.
    """
    if frequency not in Frequency.values:
        raise ValueError(f"Unknown frequency {frequency!r}; use one of {Frequency.values}.")
    record_missed_publications()
    now = timezone.now()
    oldest = oldest_unplanned(frequency)
    due = oldest is not None and (
        force
        or frequency != Frequency.INSTANT
        or oldest <= now - dt.timedelta(seconds=settings.NOTIFICATIONS_INSTANT_WINDOW_SECONDS)
    )
    if not due and not Delivery.objects.filter(_claimable()).exists():
        return None
    run = DigestRun.objects.create(frequency=frequency, started_at=now)
    if due:
        run.jobs, run.reserved = plan(frequency, run.pk, cutoff=now)
    run.planned_at = timezone.now()
    run.save(update_fields=["jobs", "reserved", "planned_at"])
    batches = 0
    for claim, subscriber_ids in claim_batches(settings.NOTIFICATIONS_BATCH_SIZE):
        batches += 1
        DigestRun.objects.filter(pk=run.pk).update(batches=F("batches") + 1)
        send(run.pk, claim, subscriber_ids)
    if batches == 0:
        DigestRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    run.refresh_from_db()
    return run


def claim_batches(size: int) -> Iterator[tuple[str, list[int]]]:
    """Claim pending deliveries, `size` subscribers at a time; yield (claim, subscriber ids).
    The ids let the batch find its rows through the (subscriber, job) index, so the claim
    columns need no index of their own and claiming a row is a cheap in-place update.
    Walks subscriber ids in order (keyset pages), so memory does not grow with the list.
    Emails that crashed batches sent are settled first, so their rows are not handed out
    again."""
    _settle_accepted()
    after = 0
    while True:
        ids = list(
            Delivery.objects.filter(_claimable(), subscriber_id__gt=after)
            .order_by("subscriber_id")
            .values_list("subscriber_id", flat=True)
            .distinct()[:size]
        )
        if not ids:
            return
        after = ids[-1]
        claim = uuid.uuid4().hex
        claimed = Delivery.objects.filter(_claimable(), subscriber_id__any_of=ids).update(
            claim=claim,
            claimed_until=timezone.now()
            + dt.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_SECONDS),
        )
        if claimed:
            yield claim, ids


# --- sending ---------------------------------------------------------------------------------


@dataclass
class BatchResult:
    emails: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def _mark(ids, status, **fields) -> int:
    return Delivery.objects.filter(pk__in=ids).update(status=status, **fields)


def _settle_accepted(claim: str | None = None) -> int:
    """Mark sent the rows of the accepted emails recorded by `claim`, or (None) by any
    batch whose lease ran out, and drop those records, in one transaction; returns the rows
    marked. An email's rows are its subscriber's pending rows under the claim that sent it:
    the batch marked the others skipped or failed before sending. DELETE ... RETURNING
    (PostgreSQL, SQLite 3.35+) settles exactly the records it removes, even while batches
    add new ones."""
    table = connection.ops.quote_name(AcceptedEmail._meta.db_table)
    now = timezone.now()
    if claim:
        condition, params = "claim = %s", [claim]
    else:
        # Only crashed or stalled batches: a live one settles its own at its end (and so
        # counts them in its run).
        ledger = connection.ops.quote_name(Delivery._meta.db_table)
        condition = (
            f"EXISTS (SELECT 1 FROM {ledger} d WHERE d.claim = {table}.claim"
            f" AND d.subscriber_id = {table}.subscriber_id AND d.status = %s"
            " AND d.claimed_until < %s)"
        )
        params = [Delivery.Status.PENDING, now]
    marked = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE {condition} RETURNING claim, subscriber_id", params
            )
            accepted = cursor.fetchall()
        by_claim: dict[str, list[int]] = {}
        for accepted_claim, subscriber_id in accepted:
            by_claim.setdefault(accepted_claim, []).append(subscriber_id)
        for accepted_claim, subscriber_ids in by_claim.items():
            marked += Delivery.objects.filter(
                claim=accepted_claim,
                subscriber_id__any_of=subscriber_ids,
                status=Delivery.Status.PENDING,
            ).update(status=Delivery.Status.SENT, sent_at=now)
    return marked


def _smtp_code(err: Exception) -> int | None:
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in err.recipients.values()]
        return max(codes) if codes else None
    return getattr(err, "smtp_code", None)


def send_batch(run_id: int | None, claim: str, subscriber_ids: list[int]) -> BatchResult:
    """Send the deliveries of these subscribers held by `claim`: one email per subscriber
    with all their jobs.

    Raises TransientSendError on 4xx replies and connection trouble; rows already sent
    stay sent and the rest stay claimed, so a retry with the same claim carries on."""
    result = BatchResult()
    held = _held(claim, subscriber_ids)
    done = False
    try:
        _send_claimed(claim, subscriber_ids, held, result)
        done = True
    except TransientSendError:
        # The task is retried after a backoff: hold the rest as a queued batch meanwhile.
        _renew(held, settings.NOTIFICATIONS_CLAIM_SECONDS)
        raise
    finally:
        sending.record_sent(SentEmails.Kind.DIGEST, result.emails)
        if run_id is not None:
            _count(run_id, result, done)
    return result


def _count(run_id: int, result: BatchResult, done: bool):
    """Add what a try of a batch did to its run, in one statement; a batch that is `done`
    also counts as done, and the run as finished with its last batch."""
    counts = {
        "emails_sent": F("emails_sent") + result.emails,
        "sent": F("sent") + result.sent,
        "failed": F("failed") + result.failed,
        "skipped": F("skipped") + result.skipped,
    }
    if done:
        counts["batches_done"] = F("batches_done") + 1
        counts["finished_at"] = Case(
            When(batches__lte=F("batches_done") + 1, then=Value(timezone.now())),
            default=F("finished_at"),
        )
    DigestRun.objects.filter(pk=run_id).update(**counts)


def _held(claim: str, subscriber_ids: list[int]):
    return Delivery.objects.filter(
        subscriber_id__any_of=subscriber_ids, claim=claim, status=Delivery.Status.PENDING
    )


def _renew(held, seconds: int) -> dt.datetime:
    """Extend the batch's lease; returns when it now ends."""
    until = timezone.now() + dt.timedelta(seconds=seconds)
    held.update(claimed_until=until)
    return until


def _renew_and_read(claim: str, subscriber_ids: list[int], seconds: int):
    """Extend the lease of the batch's rows and read them in one statement (UPDATE ...
    RETURNING, PostgreSQL and SQLite 3.35+): returns when the lease now ends and the rows
    as plain (pk, subscriber, job, alert) values, since a batch lists the same few hundred
    jobs many times over and reads each job and each subscriber once."""
    until = timezone.now() + dt.timedelta(seconds=seconds)
    table = connection.ops.quote_name(Delivery._meta.db_table)
    subscribers, ids = any_of_sql(connection, subscriber_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET claimed_until = %s WHERE claim = %s AND status = %s"
            f" AND subscriber_id {subscribers}"
            " RETURNING id, subscriber_id, job_id, alert_id",
            [
                connection.ops.adapt_datetimefield_value(until),
                claim,
                Delivery.Status.PENDING,
                *ids,
            ],
        )
        return until, cursor.fetchall()


def _send_claimed(claim: str, subscriber_ids: list[int], held, result: BatchResult):
    # A retried or redelivered batch first settles the emails it sent before it stopped,
    # so their rows are not read, and sent, again.
    result.sent += _settle_accepted(claim)
    # A queued batch holds its rows for NOTIFICATIONS_CLAIM_SECONDS; once it runs, only for
    # the short sending lease, renewed as it goes, so rows of a worker that dies mid-batch
    # go back to the pool within a minute or so. The rows are read as they are renewed, so
    # rows another run took over while this batch waited in the queue are left out.
    sending_lease = settings.NOTIFICATIONS_SENDING_LEASE_SECONDS
    lease_ends, rows = _renew_and_read(claim, subscriber_ids, sending_lease)
    if not rows:
        return
    subscribers = {
        subscriber.pk: subscriber
        for subscriber in Subscriber.objects.only("email", "status").filter(
            pk__any_of={row[1] for row in rows}
        )
    }
    open_job_values = open_jobs(JobPostingPage.objects.filter(pk__any_of={row[2] for row in rows}))
    jobs = {values[0]: values for values in open_job_values.values_list(*JOB_FIELDS)}
    # The suppression list (bounced, complained, suppressed by staff) is checked at the send.
    blocked = suppression.suppressed({subscriber.email for subscriber in subscribers.values()})
    by_subscriber: dict[int, list[tuple[int, int, int | None]]] = {}
    skipped = []
    for pk, subscriber_id, job_id, alert_id in rows:
        subscriber = subscribers.get(subscriber_id)
        if (
            job_id in jobs
            and subscriber is not None
            and subscriber.can_receive
            and subscriber.email not in blocked
        ):
            by_subscriber.setdefault(subscriber_id, []).append((pk, job_id, alert_id))
        else:
            skipped.append(pk)  # job closed since, or the address left or is suppressed
    if skipped:
        result.skipped += _mark(skipped, Delivery.Status.SKIPPED)
    if not by_subscriber:
        return

    titles = alert_titles({row[3] for row in rows if row[3] is not None})
    branding = load_branding()
    rendered = {pk: render_job(values, branding) for pk, values in jobs.items()}
    items = [
        (subscribers[subscriber_id].email, (subscriber_id, deliveries))
        for subscriber_id, deliveries in by_subscriber.items()
    ]

    def send_one(item):
        nonlocal lease_ends
        subscriber_id, deliveries = item
        if lease_ends - timezone.now() < dt.timedelta(seconds=sending_lease / 2):
            lease_ends = _renew(held, sending_lease)
        _send_one(
            smtp,
            record,
            claim,
            subscribers[subscriber_id],
            [pk for pk, _, _ in deliveries],
            lambda: _groups(deliveries, jobs, rendered, titles),
            branding,
            result,
        )

    smtp = get_connection()
    try:
        smtp.open()
        with _commits_without_flush_wait(), accepted.recorder(claim) as record:
            try:
                # The one send path (notifications/sending.py): each receiving provider
                # within its budget; one that defers gets nothing more.
                deferred = sending.send_throttled(smtp, items, send_one)
            finally:
                # Whatever stopped the batch, the rows of the emails it sent are marked now,
                # in one statement for the whole batch.
                result.sent += _settle_accepted(claim)
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError) as err:
        raise TransientSendError(f"SMTP connection failed: {err}") from err
    finally:
        smtp.close()
    if deferred:
        # Everything else went out; the task is retried (Celery's backoff) for the rest.
        raise TransientSendError(
            f"Deferred by {', '.join(sorted(deferred))}; their emails wait for the retry"
        )


@contextmanager
def _commits_without_flush_wait():
    """On PostgreSQL, don't wait for the WAL flush when marking rows sent: it roughly
    doubles throughput. Only a crash of the database server itself (not of a worker) can
    lose such commits, which widens the duplicate window to the last ~0.6 s of sends."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _groups(deliveries, jobs: dict, rendered: dict, titles: dict[int, str]) -> list[Group]:
    """A subscriber's jobs (`rendered` once per batch) under the alert that found each
    (alerts in the order they were made), soonest closing first."""
    by_alert: dict[int | None, list] = {}
    for _pk, job_id, alert_id in sorted(
        deliveries, key=lambda row: (jobs[row[1]][CLOSING_DATE], row[1])
    ):
        by_alert.setdefault(alert_id, []).append(rendered[job_id])
    # An alert without a title was deleted after planning (the job still matched it then):
    # its jobs come last, under a general heading.
    order = sorted(by_alert, key=lambda alert_id: (alert_id not in titles, alert_id or 0))
    return [Group(titles.get(pk, "More jobs for you"), by_alert[pk]) for pk in order]


def _send_one(
    smtp,
    record,
    claim: str,
    subscriber: Subscriber,
    ids: list[int],
    groups,
    branding,
    result: BatchResult,
):
    """Build one subscriber's email (`groups()` gives its content) and send it. Whatever
    goes wrong with this one email is recorded against its rows; only trouble with the
    server or the connection stops the batch (TransientSendError)."""
    try:
        sending.send(smtp, digest_email(subscriber, groups(), branding))
    except smtplib.SMTPException as err:
        code = _smtp_code(err)
        if isinstance(err, smtplib.SMTPRecipientsRefused):
            # The address's outcome, classified as every bounce is (notifications/bounces.py):
            # a 5xx suppresses it and marks the subscriber bounced, a 4xx is a soft bounce.
            bounces.report_refusal(
                err, subscriber.email, subscriber=subscriber, email_id=f"{claim}:{subscriber.pk}"
            )
        if code is None or code < 500:
            _count_attempt(ids, f"SMTP said {code}: {err}", result)
            if code is not None and not isinstance(err, smtplib.SMTPSenderRefused):
                # About this recipient (RCPT) or this message (DATA): its provider's.
                raise ProviderDeferred(f"SMTP said {code}: {err}") from err
            raise TransientSendError(f"SMTP said {code}: {err}") from err
        reason = f"{code} {err}"[:300]
        if isinstance(err, smtplib.SMTPRecipientsRefused):
            # A permanent rejection of the address: nothing more goes to it.
            result.failed += Delivery.objects.filter(
                subscriber_id=subscriber.pk, status=Delivery.Status.PENDING
            ).update(status=Delivery.Status.FAILED, error=reason)
        else:
            result.failed += _mark(ids, Delivery.Status.FAILED, error=reason)
        logger.warning("Digest to subscriber %s rejected: %s", subscriber.pk, reason)
        return
    except OSError as err:
        _count_attempt(ids, f"SMTP connection failed: {err}", result)
        raise TransientSendError(f"SMTP connection failed: {err}") from err
    except Exception as err:
        # Building this email failed (bad data in a header, a template error, ...), or the
        # backend refused it before talking to the server. Retrying would fail the same
        # way: the rows fail now, with the reason, and the batch goes on. The connection
        # may be mid-transaction, so the next email gets a fresh one.
        reason = " ".join(f"{type(err).__name__}: {err}".split())[:300]
        result.failed += _mark(ids, Delivery.Status.FAILED, error=reason)
        logger.exception("Digest to subscriber %s could not be built or sent", subscriber.pk)
        smtp.close()
        smtp.open()
        return
    # The duplicate window: accepted by the server, not recorded until this commits.
    record(subscriber.pk)
    result.emails += 1


def _count_attempt(ids: list[int], reason: str, result: BatchResult):
    """An email that met a transient error. One that keeps meeting them (a message the
    server or the connection chokes on every time) fails after
    NOTIFICATIONS_MAX_ATTEMPTS, so it cannot hold its batch in retries forever."""
    Delivery.objects.filter(pk__in=ids).update(attempts=F("attempts") + 1)
    result.failed += Delivery.objects.filter(
        pk__in=ids,
        status=Delivery.Status.PENDING,
        attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS,
    ).update(
        status=Delivery.Status.FAILED,
        error=f"Gave up after {settings.NOTIFICATIONS_MAX_ATTEMPTS} attempts: {reason}"[:300],
    )
