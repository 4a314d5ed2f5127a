"""Matching, batching and the ledger, run in-process against the real database."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import digests
from notifications.models import AcceptedEmail, Delivery, DigestRun, JobPublication, Subscriber
from tests.content.factories import DisciplineFactory, InstitutionFactory, RoleFactory
from tests.notifications.factories import add_alert, confirmed_subscriber, publish_job

pytestmark = pytest.mark.django_db


def run_now(frequency="INSTANT", force=True):
    return digests.run_digest(frequency, force=force, send=digests.send_batch)


def jobs_by_recipient() -> dict[str, list[str]]:
    """Job titles each address received, from the text part of the emails."""
    received: dict[str, list[str]] = {}
    for message in mail.outbox:
        titles = [line[2:] for line in message.body.splitlines() if line.startswith("* ")]
        received.setdefault(message.to[0], []).extend(titles)
    return received


@pytest.fixture
def taxonomy(db):
    cs = DisciplineFactory(name="Computer Science")
    return {
        "cs": cs,
        "ml": DisciplineFactory(name="Machine Learning", parent=cs),
        "history": DisciplineFactory(name="History"),
        "phd": RoleFactory(name="PhD studentship"),
        "postdoc": RoleFactory(name="Postdoc"),
    }


def test_each_subscriber_gets_exactly_the_matching_jobs(job_index, taxonomy, eager_celery):
    t = taxonomy
    since = timezone.now() - dt.timedelta(minutes=1)
    confirmed_subscriber("parent@example.org", disciplines=[t["cs"]], since=since)
    confirmed_subscriber("role@example.org", roles=[t["postdoc"]], since=since)
    confirmed_subscriber("country@example.org", countries=["DE"], since=since)
    confirmed_subscriber("keyword@example.org", keywords=["Transformers"], since=since)
    confirmed_subscriber("remote@example.org", remote="REMOTE", since=since)
    both = confirmed_subscriber("both@example.org", disciplines=[t["ml"]], since=since)
    add_alert(both, frequency="DAILY", roles=[t["phd"]], since=since)
    Subscriber.objects.create(email="pending@example.org", consented_at=timezone.now())
    confirmed_subscriber("daily@example.org", frequency="DAILY", since=since)

    munich = InstitutionFactory(name="TU Munich", country="DE")
    publish_job(job_index, title="ML PhD on transformers", disciplines=[t["ml"]], role=t["phd"])
    publish_job(job_index, title="History postdoc", disciplines=[t["history"]], role=t["postdoc"])
    publish_job(
        job_index, title="Remote role in Munich", institution=munich, remote_policy="REMOTE"
    )

    run = run_now("INSTANT")

    assert {k: sorted(v) for k, v in jobs_by_recipient().items()} == {
        "parent@example.org": ["ML PhD on transformers"],
        "role@example.org": ["History postdoc"],
        "country@example.org": ["Remote role in Munich"],
        "keyword@example.org": ["ML PhD on transformers"],
        "remote@example.org": ["Remote role in Munich"],
        "both@example.org": ["ML PhD on transformers"],
    }
    assert (run.jobs, run.reserved, run.emails_sent, run.sent) == (3, 6, 6, 6)
    assert run.finished_at is not None

    # The ledger: a second run, and the DAILY run that also matches "both", send nothing new.
    mail.outbox.clear()
    assert run_now("INSTANT") is None
    daily = run_now("DAILY")
    assert sorted(jobs_by_recipient()["daily@example.org"]) == [
        "History postdoc",
        "ML PhD on transformers",
        "Remote role in Munich",
    ]
    assert list(jobs_by_recipient()) == ["daily@example.org"]
    assert daily.emails_sent == 1
    assert Delivery.objects.filter(subscriber=both).count() == 1


def test_jobs_published_together_make_one_email_after_the_window(
    job_index, taxonomy, settings, eager_celery
):
    settings.NOTIFICATIONS_INSTANT_WINDOW_SECONDS = 600
    since = timezone.now() - dt.timedelta(minutes=30)
    confirmed_subscriber("ml@example.org", disciplines=[taxonomy["ml"]], since=since)
    for n in range(10):
        publish_job(job_index, title=f"ML job {n}", disciplines=[taxonomy["ml"]])

    assert run_now(force=False) is None  # the window is still open
    assert mail.outbox == []

    JobPublication.objects.update(published_at=timezone.now() - dt.timedelta(minutes=11))
    run_now(force=False)
    assert len(mail.outbox) == 1
    assert sorted(jobs_by_recipient()["ml@example.org"]) == sorted(f"ML job {n}" for n in range(10))
    assert mail.outbox[0].subject == "10 new jobs matching your alerts"


def test_only_the_first_publication_is_recorded(job_index, taxonomy, eager_celery):
    job = publish_job(job_index, title="Edited later")
    first = JobPublication.objects.get(job=job)
    job.title = "Edited later, again"
    job.save_revision().publish()
    job.unpublish()
    job.save_revision().publish()
    assert list(JobPublication.objects.filter(job=job)) == [first]


def test_scheduled_jobs_are_recorded_when_they_go_live(job_index, taxonomy, eager_celery):
    from django.core.management import call_command

    from tests.content.factories import JobPostingPageFactory

    job = JobPostingPageFactory(parent=job_index, live=False)
    job.go_live_at = timezone.now() + dt.timedelta(hours=1)
    job.save_revision().publish()
    assert not JobPublication.objects.filter(job=job).exists()

    # Time passes: make the scheduled moment a second ago.
    past = timezone.now() - dt.timedelta(seconds=1)
    revision = job.revisions.get()
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    call_command("publish_scheduled")
    assert JobPublication.objects.filter(job=job).exists()


def test_jobs_closed_or_unpublished_before_the_digest_are_left_out(
    job_index, taxonomy, eager_celery
):
    since = timezone.now() - dt.timedelta(minutes=1)
    confirmed_subscriber("all@example.org", since=since)
    kept = publish_job(job_index, title="Still open")
    withdrawn = publish_job(job_index, title="Withdrawn")
    closed = publish_job(job_index, title="Closed already")
    withdrawn.unpublish()
    type(closed).objects.filter(pk=closed.pk).update(
        closing_date=timezone.localdate() - dt.timedelta(days=1)
    )
    run_now()
    assert jobs_by_recipient() == {"all@example.org": [kept.title]}


def test_reserved_job_that_closes_before_sending_is_skipped(job_index, taxonomy):
    since = timezone.now() - dt.timedelta(minutes=1)
    confirmed_subscriber("all@example.org", since=since)
    job = publish_job(job_index, title="Closes between planning and sending")
    claims = []
    run = digests.run_digest("INSTANT", force=True, send=lambda *batch: claims.append(batch[1:]))
    job.unpublish()
    for claim, subscriber_ids in claims:
        digests.send_batch(run.pk, claim, subscriber_ids)
    run.refresh_from_db()
    assert mail.outbox == []
    assert (run.reserved, run.skipped, run.sent) == (1, 1, 0)
    assert Delivery.objects.get().status == Delivery.Status.SKIPPED


def test_abandoned_claims_are_sent_by_the_next_run(job_index, taxonomy, settings):
    """A worker that dies holding a batch: once its claim runs out, the next run sends it."""
    settings.NOTIFICATIONS_CLAIM_SECONDS = 60
    since = timezone.now() - dt.timedelta(minutes=1)
    confirmed_subscriber("a@example.org", since=since)
    publish_job(job_index, title="Job A")
    digests.run_digest("INSTANT", force=True, send=lambda *batch: None)  # batch lost
    assert run_now() is None or mail.outbox == []  # still claimed: not sent twice
    Delivery.objects.update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    run_now()
    assert jobs_by_recipient() == {"a@example.org": ["Job A"]}
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_a_batch_that_dies_mid_send_holds_its_rows_only_for_the_sending_lease(
    job_index, taxonomy, settings, monkeypatch
):
    settings.NOTIFICATIONS_CLAIM_SECONDS = 900
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 60
    since = timezone.now() - dt.timedelta(minutes=1)
    confirmed_subscriber("a@example.org", since=since)
    publish_job(job_index, title="Job A")
    batches = []
    digests.run_digest("INSTANT", force=True, send=lambda *batch: batches.append(batch))
    queued_until = Delivery.objects.get().claimed_until
    assert queued_until > timezone.now() + dt.timedelta(seconds=800)

    def worker_dies(*args):
        raise SystemExit("killed")

    monkeypatch.setattr(digests, "_send_one", worker_dies)
    with pytest.raises(SystemExit):
        digests.send_batch(*batches[0])
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.claimed_until <= timezone.now() + dt.timedelta(seconds=60)


def test_email_has_both_parts_list_headers_and_job_details(job_index, taxonomy, settings):
    settings.NOTIFICATIONS_PUBLIC_BASE_URL = "https://jobs.example.org"
    settings.NOTIFICATIONS_MANAGE_URL = "https://www.example.org/alerts?token={token}"
    settings.NOTIFICATIONS_JOB_URL = "https://www.example.org/jobs/{slug}"
    confirmed_subscriber("a@example.org", since=timezone.now() - dt.timedelta(minutes=1))
    oxford = InstitutionFactory(name="University of Oxford", country="GB", city="Oxford")
    job = publish_job(job_index, title="Lecturer in Statistics", institution=oxford)
    run_now()

    (message,) = mail.outbox
    assert message.subject == "New job: Lecturer in Statistics"
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://jobs.example.org/alerts/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Id"]
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert "Lecturer in Statistics" in part
        assert "University of Oxford" in part
        assert "Oxford, United Kingdom" in part
        assert f"{job.closing_date:%-d %B %Y}" in part
        assert f"https://www.example.org/jobs/{job.slug}" in part
        assert "https://www.example.org/alerts?token=" in part


def test_matching_cost_does_not_grow_with_subscribers(job_index, taxonomy):
    """Set-based matching: the number of queries depends on jobs, not on subscribers."""
    since = timezone.now() - dt.timedelta(minutes=1)

    def plan_queries(n_subscribers, tag):
        for i in range(n_subscribers):
            confirmed_subscriber(f"{tag}{i}@example.org", disciplines=[taxonomy["cs"]], since=since)
        publish_job(job_index, title=f"ML job {tag}", disciplines=[taxonomy["ml"]])
        run = DigestRun.objects.create(frequency="INSTANT")
        from notifications.matching import plan

        with CaptureQueriesContext(connection) as queries:
            planned, reserved = plan("INSTANT", run.pk, timezone.now())
        assert planned == 1
        return len(queries), reserved

    small_queries, small_reserved = plan_queries(3, "small")
    big_queries, big_reserved = plan_queries(40, "big")
    assert (small_reserved, big_reserved) == (3, 43)
    assert small_queries == big_queries


def test_demo_subscriber_gets_machine_learning_jobs_published_after_seeding(job_index, taxonomy):
    from django.core.management import call_command

    call_command("seed_demo_subscribers")
    call_command("seed_demo_subscribers")  # idempotent
    assert Subscriber.objects.filter(email="demo.subscriber@example.org").count() == 1
    publish_job(job_index, title="Research engineer, ML", disciplines=[taxonomy["ml"]])
    publish_job(job_index, title="History lecturer", disciplines=[taxonomy["history"]])
    call_command("send_digests", "--frequency", "INSTANT")
    assert jobs_by_recipient() == {"demo.subscriber@example.org": ["Research engineer, ML"]}


def test_first_publication_queues_the_digest_after_commit(
    job_index, taxonomy, settings, eager_celery, django_capture_on_commit_callbacks
):
    from notifications.tasks import enqueue_instant_digest

    settings.NOTIFICATIONS_INSTANT_WINDOW_SECONDS = 0
    confirmed_subscriber("ml@example.org", disciplines=[taxonomy["ml"]])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        job = publish_job(job_index, title="Queued on commit", disciplines=[taxonomy["ml"]])
    assert queued.count(enqueue_instant_digest) == 1
    # The queued task ran (eagerly here; a worker in production) and sent the digest.
    assert jobs_by_recipient() == {"ml@example.org": ["Queued on commit"]}

    with django_capture_on_commit_callbacks(execute=True) as queued:
        job.title = "Queued on commit, edited"
        job.save_revision().publish()
    assert enqueue_instant_digest not in queued
    assert len(mail.outbox) == 1


def test_one_smtp_connection_per_batch(job_index, taxonomy, settings):
    from tests.notifications.smtp import smtp_server

    since = timezone.now() - dt.timedelta(minutes=1)
    for i in range(5):
        confirmed_subscriber(f"r{i}@example.org", since=since)
    publish_job(job_index, title="Shared job")
    with smtp_server() as (smtp, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        run = run_now()
        received = smtp.received()
        sessions = smtp.sessions
    assert run.emails_sent == 5
    assert sorted(received) == [f"r{i}@example.org" for i in range(5)]
    assert sessions == 1


def test_each_accepted_email_is_recorded_and_the_batch_marked_whenever_it_stops(
    job_index, taxonomy, settings, monkeypatch
):
    """Each email the server accepts is recorded on its own (the duplicate window stays one
    email); its rows are marked sent in one statement for the batch, and whatever stops a
    batch, every email the server accepted is marked sent."""
    from tests.notifications.smtp import smtp_server

    settled = []
    settle = digests._settle_accepted
    monkeypatch.setattr(
        digests, "_settle_accepted", lambda claim=None: settled.append(settle(claim)) or settled[-1]
    )
    since = timezone.now() - dt.timedelta(minutes=1)
    for i in range(5):
        confirmed_subscriber(f"r{i}@example.org", since=since)
    publish_job(job_index, title="Shared job")
    batches = []
    with smtp_server() as (smtp, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        smtp.refuse_always = {"r3@example.org"}  # 451: the batch stops for a retry
        digests.run_digest("INSTANT", force=True, send=lambda *batch: batches.append(batch))
        with pytest.raises(digests.TransientSendError):
            digests.send_batch(*batches[0])
        accepted = {rcpt for rcpt, _raw in smtp.accepted}
        assert len(accepted) == 3
        sent = Delivery.objects.filter(status=Delivery.Status.SENT)
        assert set(sent.values_list("subscriber__email", flat=True)) == accepted
        assert not AcceptedEmail.objects.exists()

        smtp.refuse_always = set()
        digests.send_batch(*batches[0])  # the retry, same claim
        received = smtp.received()
    assert sorted(received) == [f"r{i}@example.org" for i in range(5)]
    assert all(len(titles) == 1 for titles in received.values())
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 5
    # Planning's hand-out (nothing to settle), then each try: its start (nothing left
    # over) and its end (all its accepted emails at once).
    assert settled == [0, 0, 3, 0, 2]


@contextmanager
def slow_records():
    """On PostgreSQL, each AcceptedEmail insert takes a fifth of a second (a trigger), so a
    sender that did not wait for the commit would be caught sending the next email first."""
    if connection.vendor != "postgresql":
        yield
        return
    table = AcceptedEmail._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_slow_record() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_sleep(0.2); RETURN NEW; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER test_slow_record BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION test_slow_record()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER test_slow_record ON {table}")
            cursor.execute("DROP FUNCTION test_slow_record()")


# Real commits, seen from another connection; the initial data (the default site) is
# restored before and kept for the transactional tests after (as in test_e2e_worker.py).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_email_goes_out_only_after_the_last_one_is_recorded(job_index, taxonomy, settings):
    """The duplicate window stays one email: when the server hears the next MAIL FROM, the
    record of every email it accepted before is committed (seen from another connection;
    on PostgreSQL the record's INSERT is not waited for until then)."""
    from asgiref.sync import sync_to_async
    from django.db import connections

    from tests.notifications.smtp import SteerableHandler, smtp_server

    def committed_records() -> int:
        try:
            return AcceptedEmail.objects.count()
        finally:
            connections.close_all()  # this executor thread's own connection

    class Watching(SteerableHandler):
        def __init__(self):
            super().__init__()
            self.recorded_at_mail: list[int] = []

        async def handle_MAIL(self, server, session, envelope, address, mail_options):
            count = await sync_to_async(committed_records, thread_sensitive=False)()
            self.recorded_at_mail.append(count)
            envelope.mail_from = address
            return "250 OK"

    since = timezone.now() - dt.timedelta(minutes=1)
    for i in range(6):
        confirmed_subscriber(f"r{i}@example.org", since=since)
    publish_job(job_index, title="Shared job")
    batches = []
    with smtp_server(Watching()) as (smtp, port), slow_records():
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        digests.run_digest("INSTANT", force=True, send=lambda *batch: batches.append(batch))
        digests.send_batch(*batches[0])
    # Records are dropped when the batch settles at its end, so they only grow before.
    assert smtp.recorded_at_mail == [0, 1, 2, 3, 4, 5]
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 6


def test_emails_a_crashed_batch_recorded_are_marked_sent_not_sent_again(
    job_index, taxonomy, settings, monkeypatch
):
    """A worker that dies after the server accepted some emails of its batch, before the
    batch's marks: once the lease runs out, the next run marks the recorded emails' rows
    sent and sends only the others. A retry of the batch itself (same claim) does the same."""
    since = timezone.now() - dt.timedelta(minutes=1)
    for i in range(3):
        confirmed_subscriber(f"r{i}@example.org", since=since)
    publish_job(job_index, title="Shared job")
    batches = []
    digests.run_digest("INSTANT", force=True, send=lambda *batch: batches.append(batch))
    send_one = digests._send_one
    sent = []

    def dies_after_two(*args):
        if len(sent) == 2:
            raise SystemExit("killed")
        send_one(*args)
        sent.append(args)

    monkeypatch.setattr(digests, "_send_one", dies_after_two)
    monkeypatch.setattr(digests, "_settle_accepted", lambda claim=None: 0)  # dies before it
    with pytest.raises(SystemExit):
        digests.send_batch(*batches[0])
    monkeypatch.undo()
    assert AcceptedEmail.objects.count() == 2
    assert not Delivery.objects.filter(status=Delivery.Status.SENT).exists()
    assert len(mail.outbox) == 2

    Delivery.objects.update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    run_now()
    assert sorted(jobs_by_recipient()) == [f"r{i}@example.org" for i in range(3)]
    assert len(mail.outbox) == 3
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 3
    assert not AcceptedEmail.objects.exists()


def test_a_retried_batch_settles_what_it_sent_before_reading_its_rows(job_index, taxonomy):
    since = timezone.now() - dt.timedelta(minutes=1)
    subscriber = confirmed_subscriber("a@example.org", since=since)
    publish_job(job_index, title="Job A")
    batches = []
    digests.run_digest("INSTANT", force=True, send=lambda *batch: batches.append(batch))
    run_id, claim, subscriber_ids = batches[0]
    AcceptedEmail.objects.create(claim=claim, subscriber_id=subscriber.pk)  # sent, then died
    result = digests.send_batch(run_id, claim, subscriber_ids)
    assert (result.sent, result.emails, len(mail.outbox)) == (1, 0, 0)
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_send_digests_command_rejects_unknown_frequencies():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("send_digests", "--frequency", "HOURLY")
    assert DigestRun.objects.count() == 0


def test_deleting_a_subscriber_deletes_its_ledger_rows_and_a_run_is_forgotten(job_index, taxonomy):
    """The ledger has no database foreign keys; Django's cascades do the cleaning up."""
    since = timezone.now() - dt.timedelta(minutes=1)
    leaving = confirmed_subscriber("leaving@example.org", since=since)
    staying = confirmed_subscriber("staying@example.org", since=since)
    publish_job(job_index, title="Job")
    run = digests.run_digest("INSTANT", force=True, send=lambda *batch: None)
    assert Delivery.objects.count() == 2

    leaving.delete()
    assert list(Delivery.objects.values_list("subscriber_id", flat=True)) == [staying.pk]
    DigestRun.objects.filter(pk=run.pk).delete()
    assert Delivery.objects.get().run_id is None


def test_a_deleted_job_or_alert_stays_in_the_ledger_and_is_not_sent(job_index, taxonomy):
    """Deleting a job or an alert does not touch the ledger (no scan of it): its rows stay
    as history, a pending row of a deleted job is skipped, and the jobs of a deleted alert
    are listed under "More jobs for you", after the other groups."""
    since = timezone.now() - dt.timedelta(minutes=1)
    reader = confirmed_subscriber("reader@example.org", keywords=["robots"], since=since)
    removed_alert = reader.alerts.get()  # the older alert: its group would come first
    add_alert(reader, disciplines=[taxonomy["ml"]], since=since)
    deleted = publish_job(job_index, title="Deleted job", disciplines=[taxonomy["ml"]])
    publish_job(job_index, title="Robots job", keywords="robots")
    publish_job(job_index, title="Learning job", disciplines=[taxonomy["ml"]])
    batches = []
    digests.run_digest("INSTANT", force=True, send=lambda *batch: batches.append(batch))
    assert Delivery.objects.count() == 3

    deleted_pk = deleted.pk
    with CaptureQueriesContext(connection) as queries:
        deleted.delete()
        removed_alert.delete()
    ledger = Delivery._meta.db_table
    assert not [q["sql"] for q in queries if ledger in q["sql"]]
    assert Delivery.objects.count() == 3

    result = digests.send_batch(*batches[0])
    assert (result.emails, result.sent, result.skipped) == (1, 2, 1)
    assert Delivery.objects.get(job_id=deleted_pk).status == Delivery.Status.SKIPPED
    (message,) = mail.outbox
    body = message.body
    assert "Deleted job" not in body
    assert body.index("Learning job") < body.index("More jobs for you") < body.index("Robots job")


@pytest.mark.parametrize("subscribers", [2, 5])
def test_a_batch_costs_one_statement_per_email_and_a_fixed_few(
    job_index, taxonomy, settings, subscribers
):
    """The SQL a batch sends, counted: one INSERT per email (its AcceptedEmail record, the
    exactly-once commit), and per batch a fixed few whatever its size: settling at its start
    and end, reading its rows, subscribers and jobs, the suppression list for its recipients,
    naming alerts, branding, one update of its run and one of the day's count of emails sent
    (plus switching synchronous_commit off and back on PostgreSQL)."""
    from tests.notifications.smtp import smtp_server

    since = timezone.now() - dt.timedelta(minutes=1)
    for i in range(subscribers):
        confirmed_subscriber(f"r{i}@example.org", since=since)
    publish_job(job_index, title="Job A")
    publish_job(job_index, title="Job B")
    batches = []
    with smtp_server() as (_smtp, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        digests.run_digest("INSTANT", force=True, send=lambda *batch: batches.append(batch))
        with CaptureQueriesContext(connection) as queries:
            result = digests.send_batch(*batches[0])
    assert (len(batches), result.emails, result.sent) == (1, subscribers, 2 * subscribers)
    statements = [query["sql"] for query in queries.captured_queries]
    records = [
        sql for sql in statements if sql.startswith('INSERT INTO "notifications_acceptedemail"')
    ]
    per_batch = {"postgresql": 24, "sqlite": 22}[connection.vendor]
    others = [sql[:60] for sql in statements if sql not in records]
    assert (len(records), len(others)) == (subscribers, per_batch), others
