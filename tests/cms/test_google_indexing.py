"""Google's Indexing API: the lifecycle's events become URL_UPDATED / URL_DELETED
notifications, sent in Google's batch format to a real local stub of the API that checks the
format and the Bearer token. The token's acquisition from the service account is mocked
(a fixed token) except in the last test, where google-auth gets it from the stub's token
endpoint with a JWT signed by a generated key."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cms import google_indexing, indexing
from cms.models import IndexingNotification
from config.celery import app as celery_app
from content.lifecycle import content_changed
from content.models import JobPostingPage
from content.public_urls import page_url
from tests.cms.indexing_stub import TOKEN, BadBatch, IndexingStub, parse_batch
from tests.content.factories import GuidePageFactory, JobPostingPageFactory

UPDATED, DELETED = "URL_UPDATED", "URL_DELETED"


@pytest.fixture
def stub(settings, monkeypatch):
    server = IndexingStub()
    settings.GOOGLE_INDEXING_CREDENTIALS_FILE = "/run/secrets/indexing-service-account.json"
    settings.GOOGLE_INDEXING_ENDPOINT = server.url
    monkeypatch.setattr(google_indexing, "access_token", lambda: TOKEN)
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)  # retries run at once
    indexing.connect()  # what CmsConfig.ready() does when the setting is there at start
    yield server
    content_changed.disconnect(dispatch_uid="cms.indexing")
    server.close()


def publish(job, capture):
    with capture(execute=True):
        job.save_revision().publish()


def test_publish_change_and_unpublish_are_told_to_google(
    job_index, stub, django_capture_on_commit_callbacks
):
    job = JobPostingPageFactory(parent=job_index, live=False)
    publish(job, django_capture_on_commit_callbacks)
    job.title = "Lecturer in Geology (changed)"
    publish(job, django_capture_on_commit_callbacks)
    job.refresh_from_db()  # live now (the revision published its own copy)
    with django_capture_on_commit_callbacks(execute=True):
        job.unpublish()

    url = page_url(job)
    assert url.startswith("http") and url.endswith(f"/{job.slug}/")
    assert stub.log() == [(UPDATED, url), (UPDATED, url), (DELETED, url)]
    assert stub.errors == []
    assert set(IndexingNotification.objects.values_list("status", "response_status")) == {
        ("SENT", 200)
    }


def test_expiry_deletion_and_privacy(job_index, stub, django_capture_on_commit_callbacks):
    # Live before the test begins (not announced): Google is told only of what follows.
    closing = JobPostingPageFactory(
        parent=job_index,
        closing_date=timezone.localdate() + dt.timedelta(days=1),
        announced=False,
    )
    deleted, private = (JobPostingPageFactory(parent=job_index, announced=False) for _ in range(2))
    later = closing.closes_at + dt.timedelta(minutes=1)  # only `closing` has closed
    real_now = timezone.now
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("publish_scheduled")
    with django_capture_on_commit_callbacks(execute=True):
        deleted.delete()
    group = Group.objects.create(name="staff")
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.add(group)
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert timezone.now is real_now

    assert stub.log() == [
        (DELETED, page_url(closing)),
        (DELETED, page_url(deleted)),
        (DELETED, page_url(private)),  # made private
        (UPDATED, page_url(private)),  # public again
    ]


def test_a_job_published_in_a_private_section_is_not_told(
    job_index, stub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=job_index, restriction_type=PageViewRestriction.LOGIN
        )
    publish(JobPostingPageFactory(parent=job_index, live=False), django_capture_on_commit_callbacks)
    assert stub.log() == [] and IndexingNotification.objects.count() == 0


def test_only_jobs_are_notified(guide_index, stub, django_capture_on_commit_callbacks):
    guide = GuidePageFactory(parent=guide_index, live=False)
    publish(guide, django_capture_on_commit_callbacks)
    assert stub.log() == [] and IndexingNotification.objects.count() == 0


def test_off_without_credentials(settings, job_index, django_capture_on_commit_callbacks):
    settings.GOOGLE_INDEXING_CREDENTIALS_FILE = ""
    indexing.connect()
    publish(JobPostingPageFactory(parent=job_index, live=False), django_capture_on_commit_callbacks)
    assert IndexingNotification.objects.count() == 0
    assert google_indexing.send_batch() is False


def pending(count, start=0):
    return IndexingNotification.objects.bulk_create(
        IndexingNotification(url=f"https://jobs.example/jobs/job-{i}/", type=UPDATED)
        for i in range(start, start + count)
    )


def test_batches_of_100_within_the_daily_quota(stub, settings, db, monkeypatch):
    settings.GOOGLE_INDEXING_DAILY_QUOTA = 230
    pending(250)
    from cms.tasks import send_google_indexing

    send_google_indexing.delay()
    # 100, 100, then the 30 the quota leaves; 20 wait for the next UTC day.
    assert stub.batches == [100, 100, 30]
    assert IndexingNotification.objects.filter(status="PENDING").count() == 20
    send_google_indexing.delay()  # the beat sweep, the same day: nothing
    assert stub.batches == [100, 100, 30]

    tomorrow = timezone.now() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    send_google_indexing.delay()
    assert stub.batches == [100, 100, 30, 20]
    assert IndexingNotification.objects.filter(status="PENDING").count() == 0
    assert len({n["url"] for n in stub.notifications}) == 250


def test_a_failed_call_is_retried_with_celery(stub, db):
    stub.answers = [503, 500]
    pending(3)
    from cms.tasks import send_google_indexing

    send_google_indexing.delay()
    assert stub.batches == [3]
    assert IndexingNotification.objects.filter(status="SENT").count() == 3


def test_part_answers_rate_limited_retried_refused_failed(stub, db):
    first, limited, refused = pending(3)
    stub.part_answers = {limited.url: 429, refused.url: 400}
    from cms.tasks import send_google_indexing

    send_google_indexing.delay()  # eager: retried at once, until max_retries, then given up
    statuses = dict(IndexingNotification.objects.values_list("url", "status"))
    assert statuses == {first.url: "SENT", limited.url: "PENDING", refused.url: "FAILED"}
    assert IndexingNotification.objects.get(pk=refused.pk).response_status == 400

    stub.part_answers = {}
    send_google_indexing.delay()  # the sweep, later: the rate-limited one goes through
    assert IndexingNotification.objects.get(pk=limited.pk).status == "SENT"
    # Only the 2xx answers count against the quota, plus the refused one Google did process.
    assert google_indexing.sent_today() == 3


def test_a_wrong_token_is_refused_and_nothing_is_lost(stub, db, monkeypatch):
    monkeypatch.setattr(google_indexing, "access_token", lambda: "stolen")
    pending(2)
    from cms.tasks import send_google_indexing

    send_google_indexing.delay()
    assert stub.errors and set(stub.errors) == {"authorization"} and stub.notifications == []
    assert IndexingNotification.objects.filter(status="PENDING").count() == 2


def test_a_later_event_replaces_a_pending_one(job_index, settings, db):
    settings.GOOGLE_INDEXING_CREDENTIALS_FILE = "/run/secrets/key.json"
    from content.lifecycle import Kind

    job = JobPostingPageFactory(parent=job_index)
    google_indexing.queue([job], Kind.PUBLISHED)
    google_indexing.queue([job], Kind.EXPIRED)
    assert list(IndexingNotification.objects.values_list("type", "status")) == [
        (DELETED, "PENDING")
    ]


def test_the_request_is_in_googles_batch_format(db):
    notices = pending(2)
    boundary = "b0undary"
    body = google_indexing.batch_body(notices, boundary)
    parts = parse_batch(f'multipart/mixed; boundary="{boundary}"', body)
    assert parts == [(str(n.pk), {"url": n.url, "type": UPDATED}) for n in notices]
    with pytest.raises(BadBatch):  # the stub itself refuses what Google would refuse
        parse_batch("application/json", body)


def test_the_employer_api_path_is_told_too(job_index, stub, django_capture_on_commit_callbacks):
    """The bulk path (employer API, imports, feeds) sends the same event as Wagtail's publish."""
    from content.imports.bulk import import_batch
    from content.imports.reading import Mode
    from content.models import JobPostingPage
    from tests.content.factories import InstitutionFactory, RoleFactory

    institution = InstitutionFactory(slug="oxford")
    RoleFactory(slug="phd")
    rows = [
        {
            "title": f"PhD position {n} in glaciology",
            "institution": "oxford",
            "role": "phd",
            "reference": f"OX-{n}",
            "closing_date": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
            "description": f"Study ice sheet number {n}.",
            "application_url": f"https://ox.example/{n}",
        }
        for n in (1, 2)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        report = import_batch(rows, institution, mode=Mode.PUBLISH)
    jobs = JobPostingPage.objects.live().order_by("pk")
    assert len(jobs) == 2, report
    assert sorted(stub.log()) == sorted((UPDATED, page_url(job)) for job in jobs)
    assert stub.batches == [2]  # one event per chunk: one batch call


def test_the_token_comes_from_the_service_account(stub, settings, tmp_path, monkeypatch, db):
    """Nothing mocked: google-auth signs a JWT with the account's key and trades it for a
    token at the account's token endpoint (here the stub's), which the batch call carries."""
    monkeypatch.undo()  # the real access_token() (and Celery's eager mode off again)
    monkeypatch.setattr(google_indexing, "_credentials", None)
    settings.GOOGLE_INDEXING_CREDENTIALS_FILE = stub.service_account_file(tmp_path / "key.json")
    pending(2)
    assert google_indexing.send_batch() is False
    assert google_indexing.send_batch() is False  # nothing left; no second token either
    pending(1, start=2)
    google_indexing.send_batch()
    assert stub.errors == [] and stub.tokens_issued == 1  # cached until it expires
    assert stub.batches == [2, 1]


def test_the_admin_lists_the_queue(admin_client, db):
    from django.urls import reverse

    pending(1)
    listing = admin_client.get(reverse("wagtailsnippets_cms_indexingnotification:list"))
    assert listing.status_code == 200 and b"https://jobs.example/jobs/job-0/" in listing.content
    add = admin_client.get(reverse("wagtailsnippets_cms_indexingnotification:add"))
    assert add.status_code in (302, 403)  # the system writes these rows, nobody else


def test_a_moved_job_deletes_its_old_url_and_updates_its_new_one(
    job_index, stub, django_capture_on_commit_callbacks
):
    from tests.content.factories import JobIndexPageFactory, site_root

    job = JobPostingPageFactory(parent=job_index, live=False)
    publish(job, django_capture_on_commit_callbacks)
    old = page_url(job)
    archive = JobIndexPageFactory(parent=site_root(), slug="archive")
    with django_capture_on_commit_callbacks(execute=True):
        job.move(archive, pos="last-child")
    new = page_url(JobPostingPage.objects.get(pk=job.pk))
    assert "/archive/" in new and new != old
    assert stub.log()[1:] == [(DELETED, old), (UPDATED, new)]
