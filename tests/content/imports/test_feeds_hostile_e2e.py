"""End to end: hostile feeds cannot hold up digests. A real feeds worker and a real default
worker (as deployed: docker-compose.yml), one feed dripping a byte at a time, one whose
worker process crashes (SIGSEGV) mid-fetch, and a digest due at the same time: the digest
arrives while the drip still holds its slot, the drip is cut off at its deadline, and the
crash fails its run with the reason, pauses the feed and tells its owner."""

import os
import signal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from content.models import JobFeed, JobFeedRun
from notifications.models import Delivery
from tests.content.factories import (
    DisciplineFactory,
    InstitutionFactory,
    JobIndexPageFactory,
    site_root,
)
from tests.content.imports.feed_server import Response, feed_server
from tests.notifications.factories import confirmed_subscriber, publish_job
from tests.notifications.smtp import smtp_server
from tests.processes import Worker, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def pid_connected_to(port: int) -> int | None:
    """The process holding an established TCP connection to 127.0.0.1:`port` (Linux)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[2].split(":")[1], 16) == port and fields[3] == "01":
            inodes.add(f"socket:[{fields[9]}]")
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            if os.readlink(fd) in inodes:
                return int(fd.parts[2])
        except OSError:
            continue
    return None


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(smtp_port: int) -> Worker:
        env = {
            "CELERY_TASK_DEFAULT_QUEUE": f"e2e-{os.getpid()}-{id(started)}",
            "FEEDS_ALLOW_PRIVATE_ADDRESSES": "true",  # the feed servers are on 127.0.0.1
            "FEEDS_MAX_SECONDS": "10",
            "FEEDS_TIMEOUT_SECONDS": "60",
            "FEEDS_MAX_FAILURES": "1",
        }
        feeds = Worker(tmp_path, smtp_port, name="feeds-worker", **env)
        default = Worker(tmp_path, smtp_port, name="worker", **env)
        started.extend([feeds, default])
        feeds.start(concurrency=2, queues=[feeds.feeds_queue])
        default.start(concurrency=1, queues=[default.default_queue])
        return default

    yield start
    for worker in started:
        worker.stop()


def test_digests_flow_while_one_feed_drips_and_another_crashes_its_worker(workers, eager_celery):
    physics = DisciplineFactory(name="Physics")
    oxford = InstitutionFactory(slug="oxford")
    owner = User.objects.create(username="hr", email="hr@ox.example")
    since = timezone.now() - timezone.timedelta(minutes=1)
    confirmed_subscriber("reader@example.org", disciplines=[physics], since=since)
    publish_job(JobIndexPageFactory(parent=site_root()), title="Physics job", disciplines=[physics])

    with (
        feed_server() as drip_server,
        feed_server() as crash_server,
        smtp_server() as (smtp, port),
    ):
        drip_server.routes["/feed"] = Response(b"[" + b" " * 400 + b"]", drip=0.5)
        crash_server.routes["/feed"] = Response(b"[]", delay=60)  # holds the fetch open
        drip, crash = (
            JobFeed.objects.create(
                institution=oxford, name=name, url=server.url("/feed"), owner=owner
            )
            for name, server in (("Drip", drip_server), ("Crash", crash_server))
        )
        worker = workers(port)
        worker.call("content.tasks.run_feed", drip.pk)
        worker.call("content.tasks.run_feed", crash.pk)

        # The crash feed's pool process, mid-fetch, dies as a segfault would kill it.
        wait_for(lambda: pid_connected_to(crash_server.port), 120, "the crash feed's fetch")
        os.kill(pid_connected_to(crash_server.port), signal.SIGSEGV)

        worker.trigger_digest()
        wait_for(lambda: "reader@example.org" in smtp.received(), 120, "the digest")
        # It arrived while the drip feed still held its worker slot.
        assert drip.runs.get().status == JobFeedRun.Status.RUNNING, worker.log()
        assert drip_server.requests

        finished = lambda feed: feed.runs.filter(finished_at__isnull=False).exists()  # noqa: E731
        wait_for(lambda: finished(drip) and finished(crash), 120, "both runs to end")
        told = lambda: [raw for rcpt, raw in smtp.accepted if rcpt == "hr@ox.example"]  # noqa: E731
        wait_for(lambda: any(b"Crash" in raw for raw in told()), 60, "the crash feed's owner")
        received = smtp.received()
        feeds_log = worker.log_path.with_name("feeds-worker.log")

    assert received["reader@example.org"] == ["Physics job"]
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 1
    drip_run, crash_run = drip.runs.get(), crash.runs.get()
    assert drip_run.status == "FAILED" and "longer than 10 s" in drip_run.error
    assert crash_run.status == "FAILED" and "SIGSEGV" in crash_run.error, crash_run.error
    crash.refresh_from_db()
    assert not crash.active and "SIGSEGV" in crash.paused_reason, (
        crash.consecutive_failures,
        crash.paused_reason,
        list(crash.runs.values()),
        Path(feeds_log).read_text()[-6000:],
    )
    assert JobFeedRun.objects.filter(status=JobFeedRun.Status.RUNNING).count() == 0
