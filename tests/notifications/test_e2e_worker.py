"""End to end: a real Celery worker process on the configured broker (Redis when REDIS_URL
is set, else kombu's filesystem transport), a real SMTP server, the test database shared
with the worker. Nothing lost, nothing twice beyond the documented window, across a SIGKILL and SMTP
refusals."""

import time
from collections import Counter

import pytest
from django.utils import timezone

from content.models import JobPostingPage
from notifications.models import AcceptedEmail, Delivery, DigestRun, JobPublication, Subscriber
from tests.content.factories import DisciplineFactory, JobIndexPageFactory, site_root
from tests.notifications.factories import add_alert, confirmed_subscriber, publish_job
from tests.notifications.smtp import smtp_server
from tests.processes import Worker, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FIELDS = ["Physics", "Chemistry", "Biology"]
N_SUBSCRIBERS = 24
N_JOBS = 6


def all_done() -> bool:
    return (
        not JobPublication.objects.filter(instant_planned_at__isnull=True).exists()
        and not Delivery.objects.filter(status=Delivery.Status.PENDING).exists()
    )


def run_finished() -> bool:
    """Every delivery ended and the run counted: a batch marks its rows in its own
    transaction and adds its counts to the run just after, so the marks alone can be seen
    a moment before the run is finished."""
    return all_done() and DigestRun.objects.filter(finished_at__isnull=False).exists()


@pytest.fixture
def world(eager_celery):
    """Subscribers and published jobs whose matches are known by construction."""
    disciplines = [DisciplineFactory(name=name) for name in FIELDS]
    since = timezone.now()
    expected: dict[str, list[str]] = {}
    for i in range(N_SUBSCRIBERS):
        address = f"reader{i:02d}@example.org"
        subscriber = confirmed_subscriber(address, disciplines=[disciplines[i % 3]], since=since)
        wanted = {f"E2E job {n}" for n in range(N_JOBS) if n % 3 == i % 3}
        if i % 4 == 0:
            # A second alert that overlaps the first: still one email, each job once.
            add_alert(subscriber, keywords=["e2e"], since=since)
            wanted = {f"E2E job {n}" for n in range(N_JOBS)}
        expected[address] = sorted(wanted)
    job_index = JobIndexPageFactory(parent=site_root())
    for n in range(N_JOBS):
        publish_job(job_index, title=f"E2E job {n}", disciplines=[disciplines[n % 3]])
    assert JobPublication.objects.count() == N_JOBS
    return expected


TUNING = {
    "NOTIFICATIONS_BATCH_SIZE": "3",
    "NOTIFICATIONS_CLAIM_SECONDS": "4",
    "NOTIFICATIONS_SENDING_LEASE_SECONDS": "4",
    "NOTIFICATIONS_RETRY_BACKOFF_SECONDS": "1",
    "NOTIFICATIONS_MAX_RETRIES": "5",
}


@pytest.fixture
def worker_factory(tmp_path):
    workers = []

    def make(port, **extra_env):
        # Small batches, short leases and quick retries: a crash and SMTP refusals are
        # recovered from within the test's time.
        worker = Worker(tmp_path, port, **{**TUNING, **extra_env})
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.stop()


@pytest.mark.parametrize(
    "batch_size",
    [
        "3",  # several batches per pool process: some done, some not
        "12",  # one batch each: the kill lands after emails were recorded, before any marks
    ],
)
def test_sigkill_mid_run_loses_nothing_and_repeats_only_unrecorded_emails(
    world, worker_factory, batch_size
):
    with smtp_server() as (smtp, port):
        smtp.hold_after = 7  # from the 8th email on, the server keeps the worker waiting
        worker = worker_factory(port, NOTIFICATIONS_BATCH_SIZE=batch_size)
        worker.start()
        worker.trigger_digest()
        wait_for(lambda: smtp.holding >= 1, 120, "the digest run to be under way")
        # Let the other pool process reach its next send too, so the kill lands while
        # both are waiting for the server's answer.
        deadline = time.monotonic() + 3
        while smtp.holding < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        worker.kill()
        smtp.release.set()
        before_kill = {rcpt for rcpt, _raw in smtp.accepted}
        assert 0 < len(before_kill) < N_SUBSCRIBERS
        assert Delivery.objects.filter(status=Delivery.Status.PENDING).exists()
        # Every accepted email was recorded, the kill landing while the server held the
        # next answers; the records of batches that had not ended are left to recovery.
        recorded = AcceptedEmail.objects.values_list("subscriber_id", flat=True)
        sent = Delivery.objects.filter(status=Delivery.Status.SENT)
        assert (
            set(Subscriber.objects.filter(pk__in=recorded).values_list("email", flat=True))
            | set(sent.values_list("subscriber__email", flat=True))
            == before_kill
        )
        if batch_size == "12":
            assert len(recorded) == len(before_kill) and not sent.exists()

        smtp.hold_after = None
        worker.start()
        wait_for(all_done, 180, "every delivery to be sent", every=worker.trigger_digest)
        received = smtp.received()
        emails = Counter(rcpt for rcpt, _raw in smtp.accepted)

    # Nothing lost: every subscriber got every matching job.
    assert {rcpt: sorted(set(titles)) for rcpt, titles in received.items()} == world, worker.log()
    # Nothing twice: the window is one email per pool process, between the server's 250
    # and the commit of its record, and the kill lands while the server holds its answer,
    # so no accepted email is unrecorded. Recovery marks the recorded ones sent (once their
    # lease runs out) before their rows are handed out again.
    assert set(emails.values()) == {1}, emails
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == sum(
        len(titles) for titles in world.values()
    )
    assert not AcceptedEmail.objects.exists()


def test_smtp_refusing_for_a_while_then_recovering(world, worker_factory):
    bounced = "reader01@example.org"
    with smtp_server() as (smtp, port):
        smtp.refuse_next_rcpt = 3
        smtp.refuse_next_data = 3
        smtp.bounce = {bounced}
        worker = worker_factory(port)
        worker.start()
        worker.trigger_digest()
        wait_for(all_done, 180, "every delivery to be sent or failed")
        received = smtp.received()
        refusals = smtp.refusals

    assert refusals == 6
    expected = {rcpt: titles for rcpt, titles in world.items() if rcpt != bounced}
    assert {rcpt: sorted(titles) for rcpt, titles in received.items()} == expected, worker.log()
    subscriber = Subscriber.objects.get(email=bounced)
    assert subscriber.status == Subscriber.Status.BOUNCED
    assert subscriber.bounce_reason.startswith("550")
    assert set(Delivery.objects.filter(subscriber=subscriber).values_list("status", flat=True)) == {
        Delivery.Status.FAILED
    }


def test_one_bad_email_fails_alone_and_the_batch_run_and_queue_go_on(world, worker_factory):
    """Data that slipped past validation (written straight to the database): a job title
    with CRLF and a header in it, an address with a line break. The title is shown on one
    line; the email that cannot be built fails with its reason and nobody else waits."""
    job = JobPostingPage.objects.get(title="E2E job 0")
    JobPostingPage.objects.filter(pk=job.pk).update(title="E2E job 0\r\nBcc: evil@example.org")
    poisoned = "reader03@example.org"
    Subscriber.objects.filter(email=poisoned).update(email="reader03@example.org\r\nBcc: x@y.z")
    with smtp_server() as (smtp, port):
        worker = worker_factory(port)
        worker.start()
        worker.trigger_digest()
        wait_for(run_finished, 180, "every delivery to be sent or failed and the run finished")
        received = smtp.received()
        rcpts = [rcpt for rcpt, _raw in smtp.accepted]

    flattened = "E2E job 0 Bcc: evil@example.org"
    expected = {
        rcpt: sorted(flattened if title == "E2E job 0" else title for title in titles)
        for rcpt, titles in world.items()
        if rcpt != poisoned
    }
    assert {rcpt: sorted(titles) for rcpt, titles in received.items()} == expected, worker.log()
    assert "evil@example.org" not in rcpts and "x@y.z" not in rcpts
    failed = Delivery.objects.filter(subscriber__email__startswith=poisoned)
    assert failed.count() == len(world[poisoned])
    assert {row.status for row in failed} == {Delivery.Status.FAILED}
    assert all(row.error.startswith("ValueError: Invalid address") for row in failed), [
        row.error for row in failed
    ]
    run = DigestRun.objects.get()
    assert run.finished_at is not None
    assert (run.failed, run.emails_sent) == (len(world[poisoned]), len(expected))


def test_an_email_the_server_always_defers_gives_up_after_the_attempt_limit(world, worker_factory):
    poisoned = "reader05@example.org"
    with smtp_server() as (smtp, port):
        smtp.refuse_always = {poisoned}
        worker = worker_factory(port, NOTIFICATIONS_MAX_ATTEMPTS="3")
        worker.start()
        worker.trigger_digest()
        wait_for(all_done, 180, "every delivery to be sent or failed")
        received = smtp.received()
        refusals = smtp.refusals

    assert refusals == 3
    expected = {rcpt: titles for rcpt, titles in world.items() if rcpt != poisoned}
    assert {rcpt: sorted(titles) for rcpt, titles in received.items()} == expected, worker.log()
    rows = Delivery.objects.filter(subscriber__email=poisoned)
    assert {(row.status, row.attempts) for row in rows} == {(Delivery.Status.FAILED, 3)}
    assert rows[0].error.startswith("Gave up after 3 attempts: SMTP said 451")
    assert Subscriber.objects.get(email=poisoned).status == Subscriber.Status.CONFIRMED


def test_a_domain_that_answers_421_is_deferred_alone_and_gets_its_mail_once(world, worker_factory):
    """A third of the subscribers are at slow.example, whose server answers 421 for a
    while: their mail comes with the batches' retries (Celery's backoff); everyone gets
    every matching job once."""
    slow = {}
    for address in sorted(world)[::3]:
        moved = address.replace("@example.org", "@slow.example")
        Subscriber.objects.filter(email=address).update(email=moved)
        slow[moved] = world.pop(address)
    world.update(slow)
    with smtp_server() as (smtp, port):
        smtp.defer_domains = {"slow.example": 4}
        worker = worker_factory(port)
        worker.start()
        worker.trigger_digest()
        wait_for(all_done, 180, "every delivery to be sent or failed")
        received = smtp.received()
        deferred = list(smtp.deferred)

    assert len(deferred) == 4 and {rcpt.rpartition("@")[2] for rcpt in deferred} == {"slow.example"}
    assert {rcpt: sorted(titles) for rcpt, titles in received.items()} == world, worker.log()
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()
