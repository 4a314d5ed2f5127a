"""One lifecycle (content/lifecycle.py): every route that publishes, unpublishes, restricts
or deletes content announces it with the same event, and every subscriber (digests' first
publications, the frontend's webhooks, the response cache) hears it whatever the route.

The bulk path (imports, feeds, the employer API) and Wagtail's own one-by-one path are run on
the same postings and compared: the events, the webhooks a real local receiver gets, the
search entries and the publications recorded."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Page,
    PageLogEntry,
    PageViewRestriction,
)
from wagtail.search.models import IndexEntry

from cms.models import WebhookDelivery
from content.employers.accounts import issue_key
from content.imports.bulk import import_rows
from content.imports.reading import Mode, Record, prepare_job, save_job, submit_for_moderation
from content.lifecycle import Kind, Source, content_changed
from content.models import EmployerApiKey, ImportedJob, JobPostingPage
from content.moderation import ensure_job_moderation
from notifications.models import JobPublication
from tests.cms.webhook_receiver import receiving_webhooks

pytestmark = pytest.mark.django_db

CLOSING = (timezone.localdate() + dt.timedelta(days=30)).isoformat()


@pytest.fixture
def receiver(settings, monkeypatch):
    with receiving_webhooks(settings, monkeypatch) as server:
        yield server


@pytest.fixture
def events():
    heard = []

    def listen(sender, event, **kwargs):
        heard.append(event)

    content_changed.connect(listen, dispatch_uid="test-lifecycle")
    yield heard
    content_changed.disconnect(dispatch_uid="test-lifecycle")


def row(n: int, **overrides) -> dict:
    data = {
        "title": f"PhD position {n} in glaciology",
        "institution": "oxford",
        "role": "phd",
        "disciplines": "machine-learning",
        "reference": f"OX-{n}",
        "closing_date": CLOSING,
        "description": f"Study ice sheet number {n}.",
        "application_url": f"https://ox.example/{n}",
    }
    data.update(overrides)
    return data


ROWS = [row(n) for n in range(3)]


def publish_one_by_one(rows):
    """Wagtail's own API, one posting at a time: add_child, save_revision, publish."""
    for data in rows:
        prepared, errors = prepare_job(data)
        assert not errors
        with transaction.atomic():
            save_job(prepared, mode=Mode.PUBLISH)


def publish_in_bulk(rows):
    report = import_rows(
        [Record(n, data) for n, data in enumerate(rows, 1)], mode=Mode.PUBLISH, chunk_size=2
    )
    assert report.counts == {"created": len(rows)}


def observed(events, receiver):
    """What the rest of the project saw, keyed by the postings' references (page ids differ
    between runs)."""
    jobs = JobPostingPage.objects.all()
    by_id = {job.pk: job.reference for job in jobs}
    content_type = ContentType.objects.get_for_model(JobPostingPage)
    entries = IndexEntry.objects.filter(content_type=content_type)
    return {
        "events": sorted((event.kind, by_id[page.pk]) for event in events for page in event.pages),
        "webhooks": sorted(
            (
                request["event"],
                request["valid"],
                tuple(sorted((k, v) for k, v in request["payload"]["page"].items() if k != "id")),
            )
            for request in receiver.requests
        ),
        "search": {
            by_id[int(entry.object_id)]: (entry.title, entry.body, entry.autocomplete)
            for entry in entries
        },
        "publications": sorted(
            JobPublication.objects.filter(job__in=jobs).values_list("job__reference", flat=True)
        ),
    }


def test_bulk_and_one_by_one_publishing_announce_the_same(
    job_index, taxonomy, receiver, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_one_by_one(ROWS)
    one_by_one = observed(events, receiver)
    assert {event.source for event in events} == {Source.WAGTAIL}

    # Gone again, so that the bulk run gets the same slugs and URLs; deleting live pages
    # is an event too.
    events.clear()
    receiver.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for job in JobPostingPage.objects.all():
            job.delete()
    assert sorted(event.kind for event in events) == [Kind.DELETED] * len(ROWS)
    assert sorted(r["event"] for r in receiver.requests) == ["deleted"] * len(ROWS)
    events.clear()
    receiver.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        publish_in_bulk(ROWS)
    bulk = observed(events, receiver)
    assert {event.source for event in events} == {Source.IMPORT}
    assert len(events) == 2  # one event per chunk of two

    assert one_by_one["events"] == [(Kind.PUBLISHED, data["reference"]) for data in ROWS]
    assert len(one_by_one["webhooks"]) == len(ROWS)
    assert all(valid for _event, valid, _page in one_by_one["webhooks"])
    assert sorted(one_by_one["search"]) == [data["reference"] for data in ROWS]
    assert one_by_one["publications"] == [data["reference"] for data in ROWS]
    assert bulk == one_by_one


QUERIES = {
    "jobs": "query ($q: String) { jobs(search: $q) { items { id } } }",
    "search": "query ($q: String) { search(query: $q) { __typename } }",
    "jobFacets": "query ($q: String) { jobFacets(search: $q) { total } }",
}


def found(graphql, word: str) -> dict:
    data = {name: graphql.execute(query, {"q": word}) for name, query in QUERIES.items()}
    return {
        "jobs": len(data["jobs"]["jobs"]["items"]),
        "search": len(data["search"]["search"]),
        "jobFacets": data["jobFacets"]["jobFacets"]["total"],
    }


@pytest.mark.parametrize("route", ["one_by_one", "bulk"])
def test_a_draft_awaiting_moderation_never_reaches_public_search(
    route, job_index, taxonomy, graphql, django_capture_on_commit_callbacks
):
    ensure_job_moderation()
    with django_capture_on_commit_callbacks(execute=True):
        publish_in_bulk([row(1, description="Study the live glacier.")])
        if route == "one_by_one":  # as the admin's edit view does it
            job = JobPostingPage.objects.get().get_latest_revision_as_object()
            job.description = "Study the zebrafish instead."
            job.save_revision()
            submit_for_moderation(job)
        else:
            changed = row(1, description="Study the zebrafish instead.")
            import_rows([Record(1, changed)], mode=Mode.MODERATE)
    job = JobPostingPage.objects.get()
    assert job.live and job.has_unpublished_changes
    assert job.current_workflow_state.status == "in_progress"
    assert "zebrafish" in job.get_latest_revision_as_object().description
    # The live words are found (so the probe can fail), the draft's are not.
    assert found(graphql, "glacier") == {"jobs": 1, "search": 1, "jobFacets": 1}
    assert found(graphql, "zebrafish") == {"jobs": 0, "search": 0, "jobFacets": 0}


SUBMIT_ONE = """mutation ($input: JobPostingInput!) {
  submitJobPosting(input: $input) { ok created job { id status live } errors { field } } }"""
SUBMIT_MANY = """mutation ($postings: [JobPostingInput!]!) {
  submitJobPostings(postings: $postings) { ok results { status jobId errors { field } } } }"""


def employer_input(reference: str) -> dict:
    return {
        "reference": reference,
        "title": "Postdoc in protein design",
        "description": "<p>Design proteins.</p>",
        "closingDate": CLOSING,
        "role": "phd",
        "applicationUrl": "https://ox.example/apply",
    }


def test_one_posting_and_a_batch_of_one_take_the_same_path(
    job_index, taxonomy, graphql, events, django_capture_on_commit_callbacks
):
    ensure_job_moderation()
    record = EmployerApiKey(institution=taxonomy["oxford"], name="HR system")
    key = issue_key(record)
    record.save()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def written(job_id):
        job = JobPostingPage.objects.get(pk=job_id)
        return {
            "live": job.live,
            "revisions": job.revisions.count(),
            "actions": sorted(
                PageLogEntry.objects.filter(page=job).values_list("action", flat=True)
            ),
            "workflow": job.current_workflow_state.status,
            "imported": ImportedJob.objects.filter(job=job).exists(),  # the bulk path's mark
        }

    with django_capture_on_commit_callbacks(execute=True):
        one = graphql.post(SUBMIT_ONE, {"input": employer_input("OX-1")}, **auth).json()
        many = graphql.post(SUBMIT_MANY, {"postings": [employer_input("OX-2")]}, **auth).json()
    one, [many] = one["data"]["submitJobPosting"], many["data"]["submitJobPostings"]["results"]
    assert one["ok"] and one["created"] and many["status"] == "created"
    assert written(one["job"]["id"]) == written(many["jobId"])
    assert written(one["job"]["id"])["imported"]
    assert events == []  # a submission is a draft: nothing public happened

    # Sent again unchanged, both answer without writing.
    one = graphql.post(SUBMIT_ONE, {"input": employer_input("OX-1")}, **auth).json()
    many = graphql.post(SUBMIT_MANY, {"postings": [employer_input("OX-2")]}, **auth).json()
    assert one["data"]["submitJobPosting"]["created"] is False
    assert many["data"]["submitJobPostings"]["results"][0]["status"] == "unchanged"
    assert written(one["data"]["submitJobPosting"]["job"]["id"])["revisions"] == 1


def test_page_privacy_revalidates_the_frontend_like_an_unpublish(
    job_index, taxonomy, receiver, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_in_bulk([row(1)])
    job = JobPostingPage.objects.get()
    receiver.requests.clear()
    events.clear()

    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=job, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert [(e.kind, e.page_ids) for e in events] == [(Kind.PRIVACY, [job.pk])] * 2
    assert [(r["event"], r["payload"]["page"]["id"], r["valid"]) for r in receiver.requests] == [
        ("privacy", job.pk, True)
    ] * 2

    # A restriction on the index covers every live page below it.
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=job_index, restriction_type=PageViewRestriction.LOGIN
        )
    [event] = events
    assert sorted(event.page_ids) == sorted([job_index.pk, job.pk])


def test_collection_privacy_revalidates_the_pages_showing_its_media(
    job_index, guide_index, receiver, events, django_capture_on_commit_callbacks
):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    from tests.content.factories import GuidePageFactory

    private = Collection.get_first_root_node().add_child(name="Embargoed")
    image = get_image_model().objects.create(
        title="Chart", file=get_test_image_file(), collection=private
    )
    guide = GuidePageFactory(parent=guide_index)
    guide.body = [("image", {"image": image, "caption": "", "alt_text": "A chart"})]
    with django_capture_on_commit_callbacks(execute=True):
        guide.save_revision().publish()
    other = GuidePageFactory(parent=guide_index)  # shows nothing from the collection
    receiver.requests.clear()
    events.clear()

    with django_capture_on_commit_callbacks(execute=True):
        CollectionViewRestriction.objects.create(
            collection=private, restriction_type=CollectionViewRestriction.LOGIN
        )
    assert [(e.kind, e.page_ids) for e in events] == [(Kind.PRIVACY, [guide.pk])]
    assert [(r["event"], r["payload"]["page"]["id"]) for r in receiver.requests] == [
        ("privacy", guide.pk)
    ]
    assert other.pk not in events[0].page_ids


def test_scheduled_expiry_is_the_schedulers(
    job_index, taxonomy, events, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications.tasks import publish_scheduled

    with django_capture_on_commit_callbacks(execute=True):
        publish_in_bulk([row(1)])
    job = JobPostingPage.objects.get()
    events.clear()
    later = job.closes_at + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    publish_scheduled()
    assert [(e.kind, e.source, e.page_ids) for e in events] == [
        (Kind.EXPIRED, Source.SCHEDULER, [job.pk])
    ]
    assert WebhookDelivery.objects.count() == 0  # no WEBHOOK_URLS in this test
    assert Page.objects.get(pk=job.pk).expired


def test_a_feed_publishes_and_closes_as_the_feed(
    job_index, taxonomy, receiver, events, django_capture_on_commit_callbacks
):
    from content.imports.feeds import close_missing
    from content.models import JobFeed

    feed = JobFeed.objects.create(
        institution=taxonomy["oxford"], name="HR system", url="https://hr.example/jobs.json"
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_rows([Record(1, row(1))], mode=Mode.PUBLISH, feed=feed)
    job = JobPostingPage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert close_missing(feed, seen=set()) == 1
    assert [(e.kind, e.source, e.page_ids) for e in events] == [
        (Kind.PUBLISHED, Source.FEED, [job.pk]),
        (Kind.UNPUBLISHED, Source.FEED, [job.pk]),
    ]
    assert [r["event"] for r in receiver.requests] == ["published", "unpublished"]
    assert JobPublication.objects.filter(job=job).exists()


MOVED_JOB = """query ($q: String) { jobs(search: $q) { items { id urlPath } } }"""


def test_a_moved_page_is_an_event_with_its_old_and_new_url(
    job_index,
    taxonomy,
    receiver,
    events,
    editor,
    graphql,
    settings,
    django_capture_on_commit_callbacks,
):
    """The admin's move: the response cache, the frontend's webhook (old and new URL) and
    search answer for the new address."""
    from django.urls import reverse

    from tests.content.factories import JobIndexPageFactory, site_root

    settings.GRAPHQL_CACHE_SECONDS = 300
    with django_capture_on_commit_callbacks(execute=True):
        publish_in_bulk([row(1, description="Study the moving glacier.")])
    job = JobPostingPage.objects.get()
    archive = JobIndexPageFactory(parent=site_root(), title="Archive", slug="archive")
    old_url, old_path = job.get_url(), job.url_path
    before = graphql.post(MOVED_JOB, {"q": "glacier"})
    assert before.json()["data"]["jobs"]["items"] == [{"id": str(job.pk), "urlPath": old_path}]
    assert graphql.post(MOVED_JOB, {"q": "glacier"})["X-Cache"] == "HIT"
    events.clear()
    receiver.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("wagtailadmin_pages:move_confirm", args=(job.pk, archive.pk))
        )
    assert response.status_code == 302
    job.refresh_from_db()
    new_url = job.get_url()
    assert new_url != old_url and job.url_path.startswith(archive.url_path)
    assert [(e.kind, e.source, e.page_ids) for e in events] == [
        (Kind.MOVED, Source.WAGTAIL, [job.pk])
    ]
    [request] = receiver.requests
    assert request["valid"] and request["event"] == "moved"
    page = request["payload"]["page"]
    assert (page["url"], page["urlPath"]) == (new_url, job.url_path)
    assert (page["previousUrl"], page["previousUrlPath"]) == (old_url, old_path)

    after = graphql.post(MOVED_JOB, {"q": "glacier"})
    assert after["X-Cache"] == "MISS"
    data = after.json()["data"]
    assert data["jobs"]["items"] == [{"id": str(job.pk), "urlPath": job.url_path}]

    # A reorder among siblings changes no URL: not an event.
    events.clear()
    sibling = JobIndexPageFactory(parent=site_root(), title="Other", slug="other")
    job.move(sibling, pos="last-child")
    job.refresh_from_db()
    events.clear()
    other = JobIndexPageFactory(parent=sibling, title="Sub", slug="sub")
    other.move(sibling, pos="first-child")
    assert events == []


def test_moving_a_section_revalidates_every_live_page_below_it(
    job_index, taxonomy, receiver, events, django_capture_on_commit_callbacks
):
    from tests.content.factories import JobIndexPageFactory, site_root

    with django_capture_on_commit_callbacks(execute=True):
        publish_in_bulk([row(1), row(2)])
    jobs = {job.pk: job.get_url() for job in JobPostingPage.objects.all()}
    section = JobIndexPageFactory(parent=site_root(), title="Section", slug="section")
    events.clear()
    receiver.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=job_index.pk).move(section, pos="last-child")
    [event] = events
    assert event.kind == Kind.MOVED
    assert sorted(event.page_ids) == sorted([job_index.pk, *jobs])
    moved = {r["payload"]["page"]["id"]: r["payload"]["page"] for r in receiver.requests}
    for pk, old_url in jobs.items():
        assert moved[pk]["previousUrl"] == old_url
        assert moved[pk]["url"] == JobPostingPage.objects.get(pk=pk).get_url() != old_url
        assert moved[pk]["url"].startswith("/section/")
