"""End to end: a real Celery worker process on the configured broker (Redis when REDIS_URL
is set, else kombu's filesystem transport), a real SMTP server, the test database shared
with the worker. Nothing lost, nothing twice, across a SIGKILL and SMTP refusals."""

import time

import pytest
from django.utils import timezone

from notifications.models import Delivery, JobPublication, Subscriber
from tests.factories import DisciplineFactory, JobIndexPageFactory, site_root
from tests.notifications.helpers import add_alert, confirmed_subscriber, publish_job
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


@pytest.fixture
def worker_factory(tmp_path):
    workers = []

    def make(port):
        worker = Worker(tmp_path, port)
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.stop()


def test_sigkill_mid_run_loses_nothing_and_sends_nothing_twice(world, worker_factory):
    with smtp_server() as (smtp, port):
        smtp.hold_after = 7  # from the 8th email on, the server keeps the worker waiting
        worker = worker_factory(port)
        worker.start()
        worker.trigger_digest()
        wait_for(lambda: smtp.holding >= 1, 120, "the digest run to be under way")
        # Let the other pool process finish recording the email it may just have had
        # accepted (the documented duplicate window) and reach its next send, so the kill
        # lands while both are waiting for the server's answer.
        deadline = time.monotonic() + 3
        while smtp.holding < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        worker.kill()
        smtp.release.set()
        sent_before_kill = len(smtp.accepted)
        assert 0 < sent_before_kill < N_SUBSCRIBERS
        assert Delivery.objects.filter(status=Delivery.Status.PENDING).exists()

        smtp.hold_after = None
        worker.start()
        wait_for(all_done, 180, "every delivery to be sent", every=worker.trigger_digest)
        received = smtp.received()

    assert {rcpt: sorted(titles) for rcpt, titles in received.items()} == world, worker.log()
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == sum(
        len(titles) for titles in world.values()
    )


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
