"""The bulk import path: what it writes besides pages, what an unchanged row costs, how
bulk-published jobs reach subscribers (once), and its search entries
(content/imports/bulk_search.py)
being the search backend's own."""

import datetime as dt
import gc
import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page, PageLogEntry, ReferenceIndex
from wagtail.search.backends import get_search_backend

from content.employers import accounts as employers
from content.imports import bulk as bulk_import
from content.imports import bulk_search
from content.imports.bulk import (
    ImportReport,
    _ChunkImporter,
    existing_jobs,
    import_batch,
    import_rows,
)
from content.imports.reading import Lookups, Mode, Record, json_records
from content.models import ImportedJob, JobIndexPage, JobPostingPage
from content.moderation import ensure_job_moderation
from notifications import digests
from notifications.models import JobPublication
from tests.content.factories import InstitutionFactory
from tests.notifications.factories import confirmed_subscriber

pytestmark = pytest.mark.django_db

CLOSING = (timezone.localdate() + dt.timedelta(days=30)).isoformat()


def row(n: int, **overrides) -> dict:
    data = {
        "title": f"PhD position {n} in glaciology",
        "institution": "oxford",
        "role": "phd",
        "disciplines": "machine-learning" if n % 2 else "history",
        "reference": f"OX-{n}",
        "closing_date": CLOSING,
        "description": f"Study ice sheet number {n}.",
        "application_url": f"https://ox.example/{n}",
    }
    data.update(overrides)
    return data


def records(rows: list[dict]) -> list[Record]:
    return [Record(number, data) for number, data in enumerate(rows, start=1)]


def test_bulk_publish_writes_what_a_page_publish_writes(job_index, taxonomy):
    group = employers.employer_group(taxonomy["oxford"])
    report = import_rows(records([row(n) for n in range(12)]), mode=Mode.PUBLISH, chunk_size=5)
    assert report.counts == {"created": 12}

    jobs = JobPostingPage.objects.order_by("pk")
    assert jobs.count() == 12 and all(job.live for job in jobs)
    job = jobs.get(reference="OX-3")
    assert job.url_path == f"{job_index.url_path}{job.slug}/"
    assert job.expire_at == job.closes_at and job.first_published_at is not None
    assert [d.slug for d in job.disciplines.all()] == ["machine-learning"]
    assert job.live_revision_id == job.latest_revision_id == job.revisions.get().pk
    assert job.get_latest_revision_as_object().title == job.title
    # The tree stays sound: numchild, and no path used twice.
    job_index.refresh_from_db()
    assert job_index.numchild == 12 == len({j.path for j in jobs})
    assert Page.find_problems() == ([], [], [], [], [])
    # Slugs unique under the index, like Wagtail's own ("-2", ...), from identical titles.
    import_rows(records([row(100, title="Same title"), row(101, title="Same title")]))
    assert set(jobs.filter(title="Same title").values_list("slug", flat=True)) == {
        "same-title",
        "same-title-2",
    }

    actions = PageLogEntry.objects.filter(page=job).values_list("action", flat=True)
    assert sorted(actions) == ["wagtail.create", "wagtail.publish"]
    institution_type = ContentType.objects.get_for_model(type(taxonomy["oxford"]))
    assert ReferenceIndex.objects.filter(
        object_id=str(job.pk),
        to_content_type=institution_type,
        to_object_id=str(taxonomy["oxford"].pk),
    ).exists()
    found = get_search_backend().search("glaciology", JobPostingPage)
    assert {j.pk for j in found} >= {j.pk for j in jobs.filter(title__contains="glaciology")}
    # The institution's account may edit its new postings, as with one saved in the admin.
    assert GroupPagePermission.objects.filter(group=group, page=job).exists()
    assert JobPublication.objects.count() == 12  # the two drafts have none


def test_unchanged_rows_cost_no_write(job_index, taxonomy, django_assert_max_num_queries):
    rows = records([row(n) for n in range(40)])
    import_rows(rows, mode=Mode.PUBLISH, chunk_size=20)
    revisions = {job.pk: job.latest_revision_id for job in JobPostingPage.objects.all()}

    # Per chunk: one query for the jobs it names; plus the lookups and the job index, once.
    with django_assert_max_num_queries(8) as queries:
        report = import_rows(rows, mode=Mode.PUBLISH, chunk_size=20)
    assert report.counts == {"unchanged": 40}
    assert not [q for q in queries.captured_queries if not q["sql"].startswith("SELECT")]
    assert revisions == {job.pk: job.latest_revision_id for job in JobPostingPage.objects.all()}


@pytest.mark.parametrize("mode", [Mode.DRAFT, Mode.PUBLISH])
def test_a_chunk_costs_the_same_queries_whatever_its_size(job_index, taxonomy, mode):
    """No query per row: a chunk of 30 new jobs costs what a chunk of 3 does."""
    # The index has children from now on, and the kept counts a row of each kind (content/
    # open_counts.py: a key seen for the first time costs one INSERT per chunk, not per row).
    import_rows(records([row(1000), row(1001)]), mode=mode)
    costs = []
    for start, size in ((0, 3), (100, 30)):
        with CaptureQueriesContext(connection) as queries:
            report = import_rows(records([row(start + n) for n in range(size)]), mode=mode)
        assert report.counts == {"created": size}
        costs.append(len(queries.captured_queries))
    assert costs[0] == costs[1]


def test_a_changed_row_and_an_editors_edit_are_not_unchanged(job_index, taxonomy):
    import_rows(records([row(1), row(2)]), mode=Mode.PUBLISH)
    edited = JobPostingPage.objects.get(reference="OX-2")
    edited.title = "Retitled by an editor"
    edited.save_revision().publish()

    report = import_rows(records([row(1, title="New title"), row(2)]), mode=Mode.PUBLISH)
    assert report.counts == {"updated": 2}
    first, second = JobPostingPage.objects.order_by("reference")
    assert first.title == "New title" and second.title == "PhD position 2 in glaciology"
    assert first.revisions.count() == 2
    assert ImportedJob.objects.get(job=first).revision_id == first.latest_revision_id
    # A draft import of a change leaves the live page alone, as an editor's draft would.
    import_rows(records([row(1, title="Draft title")]))
    first.refresh_from_db()
    assert first.title == "New title" and first.has_unpublished_changes
    assert first.get_latest_revision_as_object().title == "Draft title"


def test_a_reference_repeated_in_a_file_updates_the_first(job_index, taxonomy):
    report = import_rows(records([row(1), row(1, title="Second version"), row(1)]))
    assert report.counts == {"created": 1, "updated": 2}
    job = JobPostingPage.objects.get()
    assert job.get_latest_revision_as_object().title == "PhD position 1 in glaciology"


def test_a_file_that_breaks_off_keeps_what_came_before(job_index, taxonomy):
    good = ",".join(json.dumps(row(n)) for n in range(7))
    stream = io.BytesIO(f'[{good}, {{"title": '.encode())
    report = import_rows(json_records(stream), chunk_size=3)
    assert report.file_error.startswith("Invalid JSON")
    assert report.counts == {"created": 7}
    assert JobPostingPage.objects.count() == 7


def test_bad_rows_are_reported_by_number_and_field(job_index, taxonomy):
    rows = [row(1), row(2, role="wizard", closing_date="soon"), row(3, reference=""), "x"]
    report = import_batch(rows, taxonomy["oxford"], mode=Mode.DRAFT)
    outcomes = {outcome.number: outcome for outcome in report.outcomes}
    assert outcomes[1].status == "created" and outcomes[1].job_id
    assert set(outcomes[2].errors) == {"role", "closing_date"}
    assert "reference" in outcomes[3].errors
    assert outcomes[4].errors == {"__all__": ["Each record must be a JSON object."]}
    assert JobPostingPage.objects.count() == 1


def test_moderation_mode_starts_the_workflow(job_index, taxonomy):
    ensure_job_moderation()
    report = import_batch([row(1), row(2)], taxonomy["oxford"])
    assert report.counts == {"created": 2}
    for job in JobPostingPage.objects.all():
        assert not job.live
        assert job.current_workflow_state.status == "in_progress"


def test_bulk_published_jobs_reach_each_matching_subscriber_once(job_index, taxonomy):
    since = timezone.now() - dt.timedelta(minutes=1)
    confirmed_subscriber("ml@example.org", disciplines=[taxonomy["ml"]], since=since)
    confirmed_subscriber("history@example.org", disciplines=[taxonomy["history"]], since=since)
    rows = records([row(n) for n in range(6)])
    import_rows(rows, mode=Mode.PUBLISH, chunk_size=4)
    # Re-imported unchanged, then changed: neither is a first publication.
    import_rows(rows, mode=Mode.PUBLISH)
    import_rows(records([row(n, title=f"Changed {n}") for n in range(6)]), mode=Mode.PUBLISH)
    assert JobPublication.objects.count() == 6

    digests.run_digest("INSTANT", force=True, send=digests.send_batch)
    digests.run_digest("INSTANT", force=True, send=digests.send_batch)
    received = {}
    for message in mail.outbox:
        titles = [line[2:] for line in message.body.splitlines() if line.startswith("* ")]
        received.setdefault(message.to[0], []).extend(titles)
    assert {address: len(titles) for address, titles in received.items()} == {
        "ml@example.org": 3,
        "history@example.org": 3,
    }
    assert len(mail.outbox) == 2


def search_entries(keep_norm=False) -> dict[str, dict]:
    """The jobs' entries, all columns (some exist on one database only)."""
    job_type = ContentType.objects.get_for_model(JobPostingPage).pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM wagtailsearch_indexentry WHERE content_type_id = %s", [job_type]
        )
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    # Ids differ with who wrote the entry; title_norm with the average of the moment.
    skip = {"id"} if keep_norm else {"id", "title_norm"}
    return {entry["object_id"]: {k: v for k, v in entry.items() if k not in skip} for entry in rows}


def test_entries_are_the_backends_own(job_index, taxonomy):
    jobs = [
        row(1, keywords="ice, snow", department="  Earth sciences ", disciplines="history"),
        row(2, disciplines="machine-learning;history", requirements="<p>A   <b>PhD</b></p>"),
        row(3, requirements="", department=""),  # blank: left out, or joined as blanks
        row(4, requirements="<p>A   <b>PhD</b></p>"),  # the same HTML: its text remembered
    ]
    assert import_rows(records(jobs), mode=Mode.PUBLISH).counts == {"created": 4}
    ours = search_entries()
    pages = list(JobPostingPage.objects.order_by("pk"))
    assert set(ours) == {str(page.pk) for page in pages}

    get_search_backend().add_bulk(JobPostingPage, pages)
    assert search_entries() == ours
    # And an update of existing entries: the same again.
    bulk_search.index_pages(pages)
    assert search_entries() == ours


def test_new_entries_get_a_title_norm(job_index, taxonomy):
    import_rows(records([row(1), row(2, title="A much longer title than the first")]))
    norms = [entry["title_norm"] for entry in search_entries(keep_norm=True).values()]
    assert len(norms) == 2 and 1.0 not in norms


def test_an_edit_starts_from_the_latest_revision_as_wagtail_builds_it(job_index, taxonomy):
    import_rows(records([row(1), row(2)]), mode=Mode.PUBLISH)
    drafted = JobPostingPage.objects.get(reference="OX-2")
    drafted.title, drafted.slug = "Drafted by an editor", "drafted"
    drafted.save_revision()
    importer = _ChunkImporter(job_index, Mode.DRAFT, None, Lookups(), ImportReport(), None)
    existing = importer._existing([(taxonomy["oxford"].pk, f"OX-{n}") for n in (1, 2)])
    ours = importer._latest_revisions(list(existing.values()))
    assert len(ours) == 2
    for pk, page in ours.items():
        job = JobPostingPage.objects.get(pk=pk)
        wagtails = job.with_content_json(job.latest_revision.content)
        assert page.serializable_data() == wagtails.serializable_data()
        assert page.url_path == wagtails.url_path


def test_changed_rows_cost_no_query_per_row_but_wagtails_slug_check(job_index, taxonomy):
    """A chunk of changed jobs is matched, rebuilt from its revisions and written in the same
    statements whatever its size; only Page.clean's slug check (two) runs per row. (Drafts:
    publishing adds a bulk_update of every field, which SQLite's parameter limit batches.)"""
    import_rows(records([row(n) for n in range(40)]), mode=Mode.PUBLISH)
    costs = []
    for size in (3, 30):
        changed = [row(n, title=f"Changed {size} {n}") for n in range(size)]
        with CaptureQueriesContext(connection) as queries:
            report = import_rows(records(changed))
        assert report.counts == {"updated": size}
        costs.append(len(queries.captured_queries))
    assert costs[1] - costs[0] == 2 * (30 - 3)


def test_a_changed_closing_date_moves_the_expiry(job_index, taxonomy):
    import_rows(records([row(1)]), mode=Mode.PUBLISH)
    later = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    import_rows(records([row(1, closing_date=later)]), mode=Mode.PUBLISH)
    job = JobPostingPage.objects.get()
    assert job.closing_date.isoformat() == later and job.expire_at == job.closes_at
    assert job.get_latest_revision_as_object().expire_at == job.closes_at


def test_a_reference_is_matched_within_its_institution(job_index, taxonomy):
    InstitutionFactory(name="University of Leeds", slug="leeds")
    import_rows(records([row(1), row(1, institution="leeds", title="Leeds position")]))
    import_rows(records([row(1, institution="leeds", title="Leeds position, revised")]))
    titles = {
        job.institution.slug: job.latest_revision.content["title"]
        for job in JobPostingPage.objects.filter(reference="OX-1")
    }
    assert titles == {"oxford": "PhD position 1 in glaciology", "leeds": "Leeds position, revised"}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner, without statistics")
def test_matching_a_chunk_probes_the_reference_index(job_index, taxonomy):
    """Filtering on institutions too let SQLite walk every job of the chunk's institutions."""
    plan = existing_jobs([(taxonomy["oxford"].pk, "OX-1"), (taxonomy["oxford"].pk, "OX-2")])
    assert "job_reference_idx" in plan.explain()


def test_the_job_index_is_saved_once_per_import(job_index, taxonomy):
    """Its post_save (caches) had the search backend re-index it, recomputing title norms
    over every search entry: once per chunk, that grew with the board."""
    saves = []

    def saved(sender, instance, **kwargs):
        saves.append(instance.pk)

    post_save.connect(saved, sender=JobIndexPage)
    try:
        report = import_rows(records([row(n) for n in range(12)]), chunk_size=5)
    finally:
        post_save.disconnect(saved, sender=JobIndexPage)
    assert report.counts == {"created": 12}
    assert saves == [job_index.pk]
    job_index.refresh_from_db()
    assert job_index.numchild == 12


class _FreezeSeen:
    """A progress bar that notes what the garbage collector has frozen as each chunk ends."""

    def __init__(self):
        self.frozen: list[int] = []

    def update(self, n: int) -> None:
        self.frozen.append(gc.get_freeze_count())


def test_the_objects_before_an_import_are_frozen_while_it_runs(job_index, taxonomy):
    """Left out of full collections during the import (a tenth of its CPU), then handed back;
    a process that froze its objects itself keeps them frozen."""
    assert gc.get_freeze_count() == 0
    seen = _FreezeSeen()
    report = import_rows(records([row(n) for n in range(6)]), chunk_size=3, progress=seen)
    assert report.counts == {"created": 6}
    assert len(seen.frozen) == 2 and all(seen.frozen)
    assert gc.get_freeze_count() == 0

    gc.freeze()
    try:
        import_rows(records([row(n) for n in range(6, 9)]))
        assert gc.get_freeze_count()  # not unfrozen by the import
    finally:
        gc.unfreeze()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_the_import_analyses_the_tables_it_grows(job_index, taxonomy, monkeypatch):
    """Without statistics for the grown tables, PostgreSQL matched each chunk by scanning
    every job (and the index's children) instead of using the indexes."""
    monkeypatch.setattr(bulk_import, "ANALYZE_AFTER_ROWS", 5)

    def analysed():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stats WHERE tablename = %s AND attname = 'reference'",
                [JobPostingPage._meta.db_table],
            )
            return cursor.fetchone()[0] == 1

    import_rows(records([row(n) for n in range(3)]), chunk_size=5)
    assert not analysed()  # fewer rows than ANALYZE_AFTER_ROWS: left to autovacuum
    import_rows(records([row(n) for n in range(3, 60)]), chunk_size=10)
    assert analysed()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's entry writer")
def test_new_entries_are_written_ranked_by_the_average_of_their_chunk(job_index, taxonomy):
    """Not updated to it at the end (that rewrote every new entry and its GIN index entries):
    each chunk's entries rank by the average title length once they are in, as the backend's
    refresh after each add has it."""
    longer = "A much longer title than the first two, so that the average moves"
    import_rows(records([row(1), row(2), row(3, title=longer)]), chunk_size=2)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT object_id, title_norm * length(title), avg(length(title)) OVER () "
            "FROM wagtailsearch_indexentry WHERE length(title) > 0"
        )
        rows = cursor.fetchall()
    average = rows[0][2]
    ranked = {page_id: norm_length for page_id, norm_length, _ in rows}
    first, second, third = (
        ranked[str(job.pk)] for job in JobPostingPage.objects.order_by("reference")
    )
    assert first == pytest.approx(second) and first < average
    assert third == pytest.approx(average)
