"""Employers' feeds, fetched from a local HTTP server: a feed that changes between runs,
conditional requests, and bad feeds that fail whole and change nothing."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from content.imports.feeds import run_feed
from content.models import FeedFormat, InstitutionMembership, JobFeed, JobFeedRun, JobPostingPage
from content.moderation import ensure_job_moderation
from tests.content.factories import DisciplineFactory, InstitutionFactory, RoleFactory
from tests.content.imports.feed_server import Response, feed_server

pytestmark = pytest.mark.django_db

CLOSING = (timezone.localdate() + dt.timedelta(days=30)).isoformat()


@pytest.fixture
def server(settings):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = True  # the test server listens on 127.0.0.1
    with feed_server() as server:
        yield server


@pytest.fixture
def oxford(db):
    RoleFactory(name="PhD studentship", slug="phd")
    DisciplineFactory(name="Glaciology", slug="glaciology")
    return InstitutionFactory(name="University of Oxford", slug="oxford")


def posting(n: int, **overrides) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": f"PhD in ice sheet {n}",
        "description": f"<p>Ice sheet {n}.</p>",
        "validThrough": f"{CLOSING}T17:00:00+00:00",
        "hiringOrganization": {"@type": "Organization", "name": "University of Oxford"},
        "identifier": f"OX-{n}",
        "occupationalCategory": "phd",
        "url": f"https://ox.example/{n}",
    }
    data.update(overrides)
    return data


def json_feed(items) -> bytes:
    return json.dumps({"@context": "https://schema.org", "@graph": items}).encode()


def make_feed(server, oxford, path="/feed", **fields) -> JobFeed:
    fields = {"format": FeedFormat.JSON_LD, "publish_directly": True, **fields}
    return JobFeed.objects.create(
        institution=oxford, name="HR system", url=server.url(path), **fields
    )


def counts(run: JobFeedRun) -> dict:
    names = ("created", "updated", "unchanged", "closed", "failed")
    return {name: getattr(run, name) for name in names if getattr(run, name)}


def test_a_feed_that_changes_between_runs(server, oxford, job_index):
    server.routes["/feed"] = Response(json_feed([posting(n) for n in range(4)]))
    feed = make_feed(server, oxford)

    run = run_feed(feed)
    assert (run.status, counts(run)) == ("SUCCEEDED", {"created": 4}), run.error
    assert run.rows_done == 4 and run.finished_at
    assert JobPostingPage.objects.live().count() == 4

    # OX-0 changes, OX-1 is gone, OX-2 is broken (still listed: kept), OX-9 is new.
    server.routes["/feed"] = Response(
        json_feed(
            [
                posting(0, title="PhD in ice sheet 0, funded"),
                posting(2, validThrough="whenever"),
                posting(3),
                posting(9),
            ]
        )
    )
    run = run_feed(feed)
    assert run.status == "PARTIAL"
    assert counts(run) == {"created": 1, "updated": 1, "unchanged": 1, "closed": 1, "failed": 1}
    assert run.row_errors[0]["row"] == 2 and "closing_date" in run.row_errors[0]["errors"]
    live = set(JobPostingPage.objects.live().values_list("reference", flat=True))
    assert live == {"OX-0", "OX-2", "OX-3", "OX-9"}
    assert JobPostingPage.objects.get(reference="OX-0").title == "PhD in ice sheet 0, funded"
    assert list(feed.runs.values_list("status", flat=True)) == ["PARTIAL", "SUCCEEDED"]


def test_rows_that_name_no_posting_close_nothing(server, oxford, job_index):
    server.routes["/feed"] = Response(json_feed([posting(n) for n in range(3)]))
    feed = make_feed(server, oxford)
    run_feed(feed)
    # The employer's system stopped sending references: every row fails, no job is closed.
    server.routes["/feed"] = Response(json_feed([posting(n, identifier="") for n in range(3)]))
    run = run_feed(feed)
    assert (run.status, run.failed, run.closed) == ("PARTIAL", 3, 0)
    assert "no job was closed" in run.error
    assert JobPostingPage.objects.live().count() == 3


def test_conditional_requests(server, oxford, job_index):
    server.routes["/feed"] = Response(
        json_feed([posting(1)]),
        headers={"ETag": '"v1"', "Last-Modified": "Tue, 01 Dec 2026 10:00:00 GMT"},
    )
    feed = make_feed(server, oxford)
    assert run_feed(feed).status == "SUCCEEDED"
    feed.refresh_from_db()
    assert feed.etag == '"v1"'

    run = run_feed(feed)
    assert run.status == "NOT_MODIFIED" and counts(run) == {}
    assert server.requests[-1]["If-None-Match"] == '"v1"'
    assert server.requests[-1]["If-Modified-Since"] == "Tue, 01 Dec 2026 10:00:00 GMT"


def test_csv_feed_with_a_column_mapping_goes_to_moderation(server, oxford, job_index):
    ensure_job_moderation()
    server.routes["/jobs.csv"] = Response(
        (
            "Job title,Ref,Closes,Apply,Text,Kind,Fields\n"
            f"Glacier PhD,G-1,{CLOSING},https://ox.example/g1,Ice.,phd,glaciology\n"
        ).encode()
    )
    mapping = {
        "Job title": "title",
        "Ref": "reference",
        "Closes": "closing_date",
        "Apply": "application_url",
        "Text": "description",
        "Kind": "role",
        "Fields": "disciplines",
    }
    feed = make_feed(
        server,
        oxford,
        "/jobs.csv",
        format=FeedFormat.CSV,
        column_mapping=mapping,
        publish_directly=False,
    )
    run = run_feed(feed)
    assert (run.status, counts(run)) == ("SUCCEEDED", {"created": 1}), run.error
    job = JobPostingPage.objects.get()
    assert not job.live and job.current_workflow_state.status == "in_progress"
    assert job.get_latest_revision_as_object().institution == oxford


XML_FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<source><publisher>Oxford HR</publisher>
  <job><title>Glacier modelling PhD</title><referencenumber>X-1</referencenumber>
    <company>University of Oxford</company><url>https://ox.example/x1</url>
    <description><![CDATA[<p>Model <b>glaciers</b>.</p>]]></description>
    <role>phd</role><category>glaciology</category><closing_date>{CLOSING}</closing_date>
    <salary>unused element</salary></job>
</source>"""


def test_xml_feed(server, oxford, job_index):
    server.routes["/feed.xml"] = Response(XML_FEED.encode())
    run = run_feed(make_feed(server, oxford, "/feed.xml", format=FeedFormat.XML))
    assert (run.status, counts(run)) == ("SUCCEEDED", {"created": 1}), run.error
    job = JobPostingPage.objects.get()
    assert (job.reference, job.live) == ("X-1", True)
    assert [d.slug for d in job.disciplines.all()] == ["glaciology"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<source><job><title>&lol3;</title></job></source>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE job [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<source><job><title>&secret;</title></job></source>"""


@pytest.mark.parametrize(
    ("path", "response", "fields", "error"),
    [
        ("/feed", Response(b"title,reference\nA,1\n"), {}, "Not a valid"),
        (
            "/feed",
            Response(json_feed([posting(1), {"@type": "Person", "name": "x"}])),
            {},
            "not a JobPosting",
        ),
        ("/feed", Response(json_feed([posting(1)])[:-5]), {}, "Invalid JSON"),
        ("/feed.xml", Response(BILLION_LAUGHS), {"format": FeedFormat.XML}, "refused"),
        ("/feed.xml", Response(EXTERNAL_ENTITY), {"format": FeedFormat.XML}, "refused"),
        ("/feed.xml", Response(b"<source></source>"), {"format": FeedFormat.XML}, "no <job>"),
        ("/feed", Response(b"", 500), {}, "HTTP 500"),
        ("/feed", Response(b"", 302, {"Location": "/feed"}), {}, "Redirect loop"),
        ("/feed", Response(b"", 302, {"Location": "file:///etc/passwd"}), {}, "Only http"),
        ("/feed", Response(json_feed([posting(n) for n in range(50)])), {}, "larger than"),
        ("/feed", Response(json_feed([posting(1)]), delay=3), {}, "ReadTimeout"),
    ],
    ids=[
        "csv-as-json",
        "not-job-postings",
        "truncated-json",
        "entity-expansion",
        "external-entity",
        "no-jobs",
        "server-error",
        "redirect-loop",
        "redirect-to-file",
        "too-big",
        "too-slow",
    ],
)
def test_bad_feeds_fail_whole_and_change_nothing(
    server, oxford, job_index, settings, path, response, fields, error
):
    server.routes[path] = Response(json_feed([posting(1), posting(2)]))
    feed = make_feed(server, oxford, path, **fields)
    if fields.get("format") != FeedFormat.XML:
        assert run_feed(feed).status == "SUCCEEDED"
    before = list(JobPostingPage.objects.values_list("pk", "title", "live", "latest_revision_id"))

    settings.FEEDS_MAX_BYTES = 10_000
    settings.FEEDS_TIMEOUT_SECONDS = 1
    server.routes[path] = response
    feed.refresh_from_db()
    run = run_feed(feed)
    assert run.status == "FAILED"
    assert error in run.error
    after = list(JobPostingPage.objects.values_list("pk", "title", "live", "latest_revision_id"))
    assert after == before


def test_repeated_failures_pause_the_feed_and_tell_its_owner(
    server, oxford, job_index, settings, eager_celery, django_capture_on_commit_callbacks
):
    """The institution's notices (notifications/institution_notices.py) tell its accounts
    and the feed's owner: at the first failure in a row, then at the pause."""
    settings.FEEDS_MAX_FAILURES = 3
    owner = User.objects.create_user("hr", email="hr@ox.example")
    member = User.objects.create_user("poster", email="poster@ox.example")
    InstitutionMembership.objects.create(user=member, institution=oxford)
    feed = make_feed(server, oxford, "/missing", owner=owner)

    with django_capture_on_commit_callbacks(execute=True):
        assert run_feed(feed).status == "FAILED"
    feed.refresh_from_db()
    assert feed.active and feed.consecutive_failures == 1
    assert [sorted(message.to) for message in mail.outbox] == [
        ["hr@ox.example"],
        ["poster@ox.example"],
    ]
    assert all("failed" in message.subject.lower() for message in mail.outbox)
    assert "HTTP 404" in mail.outbox[0].body and feed.url in mail.outbox[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_feed(feed)  # the second failure in a row is no news
    assert not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        run_feed(feed)
    feed.refresh_from_db()
    assert not feed.active and "HTTP 404" in feed.paused_reason
    assert sorted(message.to[0] for message in mail.outbox) == [
        "hr@ox.example",
        "poster@ox.example",
    ]
    message = mail.outbox[0]
    assert "paused" in message.subject.lower() and feed.url in message.body
    assert feed.paused_reason in message.body
    assert not feed.is_due()


def test_feed_notices_switched_off_tell_no_one(
    server, oxford, job_index, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.FEEDS_MAX_FAILURES = 1
    oxford.notify_feed_problems = False
    oxford.save()
    owner = User.objects.create_user("hr", email="hr@ox.example")
    feed = make_feed(server, oxford, "/missing", owner=owner)
    with django_capture_on_commit_callbacks(execute=True):
        run_feed(feed)
    feed.refresh_from_db()
    assert not feed.active and not mail.outbox


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/feed",
        "http://localhost/feed",
        "http://169.254.169.254/latest/",
        "http://10.1.2.3/",
    ],
)
def test_feeds_cannot_reach_private_addresses(server, oxford, job_index, settings, url):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = False
    feed = JobFeed.objects.create(institution=oxford, name="Sneaky", url=url)
    run = run_feed(feed)
    assert run.status == "FAILED" and "private or local address" in run.error
    assert server.requests == []
