"""End to end: a real Celery worker runs a feed served by a local HTTP server, twice, with
the feed changing in between; the jobs it publishes reach the matching subscriber once, by
the digest the bulk publish queued, through a real SMTP server."""

import datetime as dt
import json
import time

import pytest
from django.utils import timezone

from content.models import FeedFormat, JobFeed, JobFeedRun, JobPostingPage
from notifications.models import Delivery
from tests.content.factories import (
    DisciplineFactory,
    InstitutionFactory,
    JobIndexPageFactory,
    RoleFactory,
    site_root,
)
from tests.content.imports.feed_server import Response, feed_server
from tests.notifications.factories import confirmed_subscriber
from tests.notifications.smtp import smtp_server
from tests.processes import Worker, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CLOSING = (timezone.localdate() + dt.timedelta(days=30)).isoformat()


def posting(n: int, title: str = "") -> dict:
    return {
        "@type": "JobPosting",
        "title": title or f"Glacier job {n}",
        "description": f"<p>Ice {n}.</p>",
        "validThrough": f"{CLOSING}T17:00:00+00:00",
        "identifier": f"G-{n}",
        "occupationalCategory": "phd",
        "url": f"https://ox.example/{n}",
        "disciplines": "glaciology",
    }


@pytest.fixture
def worker(tmp_path):
    """`celery -A config worker` on the test database, on a queue of its own."""
    workers = []

    def start(smtp_port: int) -> Worker:
        # The feed server is on 127.0.0.1.
        worker = Worker(tmp_path, smtp_port, FEEDS_ALLOW_PRIVATE_ADDRESSES="true")
        workers.append(worker)
        worker.start(concurrency=1)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def test_a_worker_runs_a_changing_feed_and_subscribers_hear_once(worker):
    RoleFactory(name="PhD studentship", slug="phd")
    glaciology = DisciplineFactory(name="Glaciology", slug="glaciology")
    oxford = InstitutionFactory(name="University of Oxford", slug="oxford")
    JobIndexPageFactory(parent=site_root())
    since = timezone.now() - dt.timedelta(minutes=1)
    confirmed_subscriber("ice@example.org", disciplines=[glaciology], since=since)

    with feed_server() as server, smtp_server() as (smtp, port):
        server.routes["/feed"] = Response(json.dumps([posting(n) for n in range(3)]).encode())
        feed = JobFeed.objects.create(
            institution=oxford,
            name="HR",
            url=server.url("/feed"),
            format=FeedFormat.JSON_LD,
            publish_directly=True,
        )
        celery = worker(port)

        celery.call("content.tasks.fetch_due_feeds")  # what beat does: the new feed is due
        wait_for(lambda: feed.runs.filter(finished_at__isnull=False).exists(), 120, "run 1")
        run = feed.runs.get()
        assert (run.status, run.created, run.rows_done) == ("SUCCEEDED", 3, 3), run.error
        sent = lambda n: Delivery.objects.filter(status=Delivery.Status.SENT).count() == n  # noqa: E731
        wait_for(lambda: sent(3), 120, "the digest of the first run")

        # Changed: job 0 retitled, job 1 gone, job 5 new.
        server.routes["/feed"] = Response(
            json.dumps([posting(0, "Glacier job 0, funded"), posting(2), posting(5)]).encode()
        )
        celery.call("content.tasks.run_feed", feed.pk)
        wait_for(lambda: feed.runs.filter(finished_at__isnull=False).count() == 2, 120, "run 2")
        run = feed.runs.order_by("-started_at").first()
        assert (run.created, run.updated, run.unchanged, run.closed) == (1, 1, 1, 1), run.error
        wait_for(lambda: sent(4), 120, "the digest of the second run")
        time.sleep(2)  # room for a wrongly repeated digest to arrive
        received = smtp.received()

    assert sorted(received["ice@example.org"]) == [
        "Glacier job 0",
        "Glacier job 1",
        "Glacier job 2",
        "Glacier job 5",
    ]
    assert set(JobPostingPage.objects.live().values_list("reference", flat=True)) == {
        "G-0",
        "G-2",
        "G-5",
    }
    assert JobFeedRun.objects.filter(status=JobFeedRun.Status.RUNNING).count() == 0
