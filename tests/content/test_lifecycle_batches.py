"""Expiry and retention in batches (content/lifecycle.py `expire_due_jobs` and `delete_pages`,
content/page_batches.py) against Wagtail's one-by-one path on the same jobs.

Each test builds the same board twice (the bulk import, so the second build gets the same
slugs, paths and texts), runs Wagtail's own path on one and the batched path on the other, and
compares what the rest of the project saw (the events, the webhooks a real local receiver got)
and what is left in the database (page rows and the tree, revisions, log entries, reference
index, search entries, the open counts), keyed by the jobs' references."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision, WorkflowState
from wagtail.search.models import IndexEntry

from cms.models import JobActivity, WebhookDelivery
from content import page_batches, retention
from content.imports.bulk import import_rows
from content.imports.reading import Mode, Record
from content.lifecycle import Kind, Source, acting_as, content_changed
from content.models import CountedJob, ImportedJob, JobPostingPage, OpenJobCount
from notifications.models import InstitutionNotice, JobPublication
from notifications.tasks import publish_scheduled
from tests.cms.webhook_receiver import receiving_webhooks

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def receiver(settings, monkeypatch):
    with receiving_webhooks(settings, monkeypatch) as server:
        yield server


def name(page) -> str:
    return page.reference if page.alias_of_id is None else page.slug


@pytest.fixture
def events():
    heard = []

    def listen(sender, event, **kwargs):
        # References now: the pages may be gone by the time the test reads them.
        heard.append((event.kind, event.source, [name(page) for page in event.pages]))

    content_changed.connect(listen, dispatch_uid="test-lifecycle-batches")
    yield heard
    content_changed.disconnect(dispatch_uid="test-lifecycle-batches")


@pytest.fixture
def member(taxonomy):
    """Oxford has an account, so closed postings become institution notices."""
    from django.contrib.auth.models import User

    from content.models import InstitutionMembership

    user = User.objects.create_user("hr", "hr@ox.example", "pw")
    InstitutionMembership.objects.create(user=user, institution=taxonomy["oxford"])


# Closing in 1..5 days (expired and then deleted once the clock moves on), and two open.
CLOSING_IN = {"A": 1, "B": 2, "C": 2, "D": 3, "E": 4, "F": 5, "OPEN1": 300, "OPEN2": 400}


def build(job_index):
    """The board: the bulk import's published jobs, one with an alias (Wagtail's to expire),
    each with the rows the project keeps for it."""
    rows = [
        Record(
            n,
            {
                "title": f"Fellowship {reference} in glaciology",
                "institution": "oxford",
                "role": "phd",
                "disciplines": "machine-learning",
                "reference": reference,
                "closing_date": (TODAY + dt.timedelta(days=days)).isoformat(),
                "description": f"Study ice sheet {reference}.",
                "application_url": f"https://ox.example/{reference}",
            },
        )
        for n, (reference, days) in enumerate(CLOSING_IN.items(), 1)
    ]
    report = import_rows(rows, mode=Mode.PUBLISH, parent=job_index, source=Source.IMPORT)
    assert report.counts == {"created": len(rows)}
    for job in JobPostingPage.objects.all():
        JobActivity.objects.create(job=job, date=TODAY, views=2)
    JobPostingPage.objects.get(reference="F").create_alias(update_slug="f-alias")


def wipe(job_index, events, receiver):
    for page in Page.objects.descendant_of(job_index):
        if Page.objects.filter(pk=page.pk).exists():
            page.delete()
    PageLogEntry.objects.all().delete()
    WebhookDelivery.objects.all().delete()
    InstitutionNotice.objects.all().delete()
    events.clear()
    receiver.requests.clear()
    job_index.refresh_from_db()
    assert job_index.numchild == 0


def without_ids(data):
    """A log entry's data without page ids (they differ between the two builds)."""
    if isinstance(data, dict):
        return {k: without_ids(v) for k, v in data.items() if k != "id"}
    return data


def later(monkeypatch, days: int):
    moment = timezone.now() + dt.timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def state(job_index, events, receiver) -> dict:
    """What the project saw and what is left, by reference (the alias: its slug)."""
    pages = {page.pk: name(page) for page in JobPostingPage.objects.all()}
    page_type = ContentType.objects.get_for_model(Page)
    job_type = ContentType.objects.get_for_model(JobPostingPage)

    def ref(pk):
        return pages[int(pk)]

    revisions = Revision.page_revisions.filter(object_id__in=[str(pk) for pk in pages])
    return {
        "events": sorted(
            (kind, source, reference) for kind, source, refs in events for reference in refs
        ),
        "webhooks": sorted(
            (
                r["event"],
                r["valid"],
                tuple(sorted((k, v) for k, v in r["payload"]["page"].items() if k != "id")),
            )
            for r in receiver.requests
        ),
        "parent": Page.objects.filter(pk=job_index.pk).values_list("numchild", flat=True)[0],
        "pages": sorted(
            (
                ref(p["id"]),
                *(v for k, v in p.items() if k not in ("id", "live_revision")),
                p["live_revision"] is None,
            )
            for p in Page.objects.filter(pk__in=pages).values(
                "id",
                "path",
                "depth",
                "numchild",
                "url_path",
                "slug",
                "live",
                "expired",
                "has_unpublished_changes",
                "expire_at",
                "live_revision",
            )
        ),
        "revisions": sorted(
            (ref(r.object_id), r.approved_go_live_at, r.content["title"]) for r in revisions
        ),
        "log": sorted(
            (
                ref(e.page_id),
                e.action,
                e.content_type_id,
                e.label,
                e.user_id,
                e.uuid,
                without_ids(e.data),
                e.content_changed,
                e.deleted,
                e.revision_id is None,
            )
            for e in PageLogEntry.objects.filter(page_id__in=pages)
        ),
        "references": sorted(
            (
                ref(r.object_id),
                r.content_type_id,
                r.base_content_type_id,
                r.to_content_type_id,
                r.to_object_id,
                r.model_path,
                r.content_path,
            )
            for r in ReferenceIndex.objects.filter(
                base_content_type__in=[page_type, job_type], object_id__in=map(str, pages)
            )
        ),
        "search": sorted(
            (ref(e.object_id), e.title, e.body, e.autocomplete, e.title_norm)
            for e in IndexEntry.objects.filter(content_type=job_type)
        ),
        "counted": sorted(ref(pk) for pk in CountedJob.objects.values_list("job_id", flat=True)),
        "open_counts": sorted(
            OpenJobCount.objects.values_list("dimension", "key", "n", "closing_date")
        ),
        "rows": {
            model.__name__: model.objects.count()
            for model in (
                Revision,
                IndexEntry,
                ReferenceIndex,
                WorkflowState,
                JobActivity,
                JobPublication,
                ImportedJob,
                WebhookDelivery,
                InstitutionNotice,
            )
        },
        "notices": sorted(InstitutionNotice.objects.values_list("kind", flat=True)),
    }


def run(fn):
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_batched_expiry_leaves_what_wagtails_command_leaves(
    job_index, taxonomy, member, receiver, events, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(page_batches, "BATCH", 2)

    def one_by_one():  # what the scheduler ran before: Wagtail's command alone
        with acting_as(Source.SCHEDULER):
            call_command("publish_scheduled")

    results, statements = [], []
    for path in (one_by_one, publish_scheduled):
        with monkeypatch.context() as clock:
            with django_capture_on_commit_callbacks(execute=True):
                build(job_index)
            events.clear()
            receiver.requests.clear()
            later(clock, 10)
            with django_capture_on_commit_callbacks(execute=True):
                statements.append(run(path))
            results.append(state(job_index, events, receiver))
            batches = list(events)
            wipe(job_index, events, receiver)
    wagtails, batched = results

    expired = ["A", "B", "C", "D", "E", "F", "f-alias"]
    # Wagtail's own way with an alias: unpublished with its page, then expired on its own.
    assert wagtails["events"] == sorted(
        [(Kind.EXPIRED, Source.SCHEDULER, r) for r in expired]
        + [(Kind.UNPUBLISHED, Source.SCHEDULER, "f-alias")]
    )
    assert [live for _, _, _, _, _, _, live, *_ in wagtails["pages"]].count(True) == 2
    assert len(wagtails["webhooks"]) == len(expired) + 1
    assert "closed" in wagtails["notices"]
    assert batched == wagtails
    # A to E in batches of two (one event each); F and its alias by Wagtail, one by one.
    assert [refs for _, _, refs in batches[:3]] == [["A", "B"], ["C", "D"], ["E"]]
    assert [len(refs) for _, _, refs in batches[3:]] == [1, 1, 1]
    assert statements[1] < statements[0], statements  # per job: bench/lifecycle_batch_bench.py


def delete_one_by_one():
    """What retention ran before: Wagtail's `Page.delete`, one job at a time."""
    cutoff = retention.closed_before()
    with acting_as(Source.RETENTION):
        jobs = list(retention.due_jobs(cutoff).order_by("pk"))
        for job in jobs:
            job.delete()
        PageLogEntry.objects.filter(page_id__in=[job.pk for job in jobs]).delete()


def test_batched_retention_leaves_what_page_delete_leaves(
    job_index,
    taxonomy,
    member,
    receiver,
    events,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    settings.JOBS_RETENTION_DAYS_AFTER_CLOSE = 3
    monkeypatch.setattr(retention, "BATCH", 2)

    results, statements = [], []
    for path in (delete_one_by_one, retention.delete_closed_jobs):
        with monkeypatch.context() as clock:
            with django_capture_on_commit_callbacks(execute=True):
                build(job_index)
            # A, B and C expire (the scheduler: not live), the others are still live.
            later(clock, 3)
            with django_capture_on_commit_callbacks(execute=True):
                publish_scheduled()
            events.clear()
            receiver.requests.clear()
            later(clock, 5)  # 8 days on: A to E closed more than 3 days ago
            with django_capture_on_commit_callbacks(execute=True):
                statements.append(run(path))
            results.append(state(job_index, events, receiver))
            wipe(job_index, events, receiver)
    wagtails, batched = results

    left = sorted(reference for reference, *_ in wagtails["pages"])
    assert left == ["F", "OPEN1", "OPEN2", "f-alias"]
    # The live ones the public saw go (D, E); A, B and C had expired.
    assert wagtails["events"] == [(Kind.DELETED, Source.RETENTION, r) for r in "DE"]
    assert [event for event, *_ in wagtails["webhooks"]] == ["deleted"] * 2
    assert wagtails["counted"] == ["F", "OPEN1", "OPEN2"]
    assert batched == wagtails
    assert statements[1] < statements[0], statements  # per job: bench/lifecycle_batch_bench.py


def test_a_retention_run_stopped_midway_is_consistent_and_the_next_run_continues(
    job_index, taxonomy, receiver, events, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.JOBS_RETENTION_DAYS_AFTER_CLOSE = 3
    monkeypatch.setattr(retention, "BATCH", 2)
    with django_capture_on_commit_callbacks(execute=True):
        build(job_index)
    later(monkeypatch, 8)
    events.clear()
    receiver.requests.clear()

    # The second batch dies mid-way (a worker killed at its time limit raises in the batch's
    # transaction): the first batch's deletions stay, the second's are rolled back whole.
    delete = retention.delete_pages
    calls = []

    def dying(pages):
        calls.append([page.reference for page in pages])
        delete(pages)
        if len(calls) == 2:
            raise TimeoutError("killed")

    monkeypatch.setattr(retention, "delete_pages", dying)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TimeoutError):
        retention.delete_closed_jobs()
    assert calls == [["A", "B"], ["C", "D"]]
    left = set(JobPostingPage.objects.values_list("reference", flat=True))
    assert left == {"C", "D", "E", "F", "OPEN1", "OPEN2"}  # F twice: F and its alias
    # Only the committed batch reached the frontend.
    assert sorted((r["event"], r["payload"]["page"]["title"]) for r in receiver.requests) == [
        ("deleted", "Fellowship A in glaciology"),
        ("deleted", "Fellowship B in glaciology"),
    ]
    job_index.refresh_from_db()
    assert job_index.numchild == 7
    for job in JobPostingPage.objects.filter(reference__in=["C", "D"]):
        assert job.revisions.exists() and IndexEntry.objects.filter(object_id=str(job.pk)).exists()
        assert CountedJob.objects.filter(job_id=job.pk).exists()

    # A deadline stops it between batches; the next run finishes.
    monkeypatch.setattr(retention, "delete_pages", delete)
    ticks = iter(range(100))
    monkeypatch.setattr(retention, "time", SimpleNamespace(monotonic=lambda: next(ticks)))
    assert retention.delete_closed_jobs(deadline=1) == 2  # one batch: C and D
    assert retention.delete_closed_jobs() == 1  # E
    assert set(JobPostingPage.objects.values_list("reference", flat=True)) == {
        "F",
        "OPEN1",
        "OPEN2",
    }
    job_index.refresh_from_db()
    assert job_index.numchild == 4
