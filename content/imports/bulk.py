"""Bulk imports of job postings: `manage.py import_jobs`, employers' feeds and the employer
API's batches all go through `import_rows`.

Rows stream in and are written in chunks. Each row is mapped and validated with the model's
own rules before anything is written; a chunk is then matched against existing jobs (by
institution + the employer's reference) in one query. A row whose fingerprint is the one its
job was last imported from, with no edit since, is unchanged and costs no write. New and
changed jobs are written a few statements per chunk (content/imports/bulk_pages.py; search entries:
content/imports/bulk_search.py), in one transaction per chunk, so an interrupted import keeps every
chunk before it.

Bulk writes send no model signals, so this module writes what Wagtail's own receivers would
for a page row (search entries, the reference index) and the institution group's edit
permission; and what a publish means to the rest of the project it says the way Wagtail's
publish does, through the content lifecycle: one `content_changed` event per chunk of pages it
made live (content/lifecycle.py), to which notifications (first publications, digests), the
frontend's webhooks and the response cache subscribe. Search entries mirror the page rows
written: a live page's row (and entry) changes only when it is published, so a draft awaiting
moderation never reaches public search.
"""

import gc
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from django.contrib.auth.models import Group, Permission
from django.db import DatabaseError, connection, transaction
from django.db.models import CharField, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import (
    COMMENTS_RELATION_NAME,
    Comment,
    GroupPagePermission,
    Page,
    ReferenceIndex,
    Revision,
)

from content import lifecycle
from content.employers.accounts import GROUP_PREFIX
from content.imports import bulk_pages, bulk_search
from content.imports.reading import (
    ImportFileError,
    Lookups,
    Mode,
    ParsedRow,
    Record,
    fill_job,
    job_index,
    parse_row,
    snapshot,
    submit_for_moderation,
)
from content.models import ImportedJob, Institution, JobIndexPage, JobPostingPage

CHUNK_SIZE = 500
# PostgreSQL: the tables a chunk reads back from (jobs by reference with their pages and
# import states, slugs and the last child under the index, references by page, and each
# table kept one row per job, such as the lifecycle's subscribers read by job: first
# publications), analysed by the import as it grows them (_ChunkImporter._analyse). Not
# revisions: their lookup uses its index regardless, and sampling their JSON costs the most.
ANALYZE_AFTER_ROWS = 1000


def analysed_models() -> list:
    one_per_job = [
        rel.related_model
        for rel in JobPostingPage._meta.related_objects
        if rel.one_to_one and rel.field.related_model is JobPostingPage
    ]
    return [Page, JobPostingPage, ReferenceIndex, *one_per_job]


SLUG_LENGTH = 200
# What an edit keeps from the page row rather than its latest revision (Page.with_content_json).
PAGE_WIDE_FIELDS = (
    "id",
    "content_type_id",
    "path",
    "depth",
    "numchild",
    "draft_title",
    "live",
    "has_unpublished_changes",
    "owner_id",
    "locked",
    "locked_by_id",
    "locked_at",
    "latest_revision_id",
    "latest_revision_created_at",
    "translation_key",
    "locale_id",
    "alias_of_id",
)


@contextmanager
def _older_objects_frozen() -> Iterator[None]:
    """The objects alive before the import (the loaded modules' 150,000 or so) left out of
    the garbage collector's full collections while it runs (`gc.freeze`), and handed back to
    it afterwards (`gc.unfreeze`). An import allocates enough objects for a full collection
    every 600 rows or so, and each one walked every object of the process: a tenth of an
    import's CPU (bench/import_bench.py, 10,000 rows). The import's own objects are collected
    as before. A process that froze its objects itself is left as it is."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"


class Progress(Protocol):
    def update(self, n: int) -> None: ...


@dataclass
class Outcome:
    number: int  # the CSV line or the JSON record number
    status: str
    job_id: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    failures: list[Outcome] = field(default_factory=list)
    # Every row's outcome, only when asked for (small batches: the employer API).
    outcomes: list[Outcome] | None = None
    # The jobs the rows matched, only when asked for (a feed closes the jobs it no longer lists).
    seen_job_ids: set[int] | None = None
    # Set when the file broke off part way (bad JSON at record 5,000): what came before stays.
    file_error: str = ""
    # Failed rows that name no posting (no reference, unknown institution): which job such a
    # row stands for is unknown, so a feed closes nothing after them.
    unidentified: int = 0

    def count(self, status: str) -> int:
        return self.counts[status]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status == FAILED:
            self.failures.append(outcome)
        if self.outcomes is not None:
            self.outcomes.append(outcome)
        if self.seen_job_ids is not None and outcome.job_id is not None:
            self.seen_job_ids.add(outcome.job_id)

    def fail(self, row: "_Row", errors: dict, job_id: int | None = None) -> None:
        self.unidentified += row.parsed.key is None
        self.add(Outcome(row.number, FAILED, job_id, errors=errors))


@dataclass
class _Row:
    number: int
    parsed: ParsedRow
    page: JobPostingPage | None = None
    existing: dict | None = None


@_older_objects_frozen()
def import_rows(
    records: Iterable[Record],
    *,
    institution: Institution | None = None,
    mode: str = Mode.DRAFT,
    user=None,
    parent: JobIndexPage | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
    keep_outcomes: bool = False,
    track_seen: bool = False,
    feed=None,
    source: lifecycle.Source | None = None,
) -> ImportReport:
    """Import the records; `institution` (an API key's, a feed's, --institution) owns them all.
    Never raises for a bad row or a file that breaks off: the report says what happened.
    `feed` (a JobFeed) is recorded as the source of the jobs it writes. `source` names the
    route in lifecycle events (default: the feed's, else an import's)."""
    parent = parent or job_index()
    report = ImportReport(
        outcomes=[] if keep_outcomes else None, seen_job_ids=set() if track_seen else None
    )
    source = source or (lifecycle.Source.FEED if feed else lifecycle.Source.IMPORT)
    importer = _ChunkImporter(parent, mode, user, Lookups(), report, feed, source)
    chunk: list[_Row] = []
    keys: set = set()
    try:
        for record in records:
            row = _Row(
                record.number, parse_row(record.data, importer.lookups, institution=institution)
            )
            # A reference repeated in the file is matched against the first one once written.
            if len(chunk) >= chunk_size or (row.parsed.key and row.parsed.key in keys):
                importer.run(chunk, progress)
                chunk, keys = [], set()
            chunk.append(row)
            keys.add(row.parsed.key)
    except ImportFileError as err:
        report.file_error = str(err)
    importer.run(chunk, progress)
    if report.count(CREATED) or report.count(UPDATED):
        bulk_search.refresh_title_norms()
        # One real save of the index per import, not per chunk: its post_save tells caches
        # that content changed, and it also has the search backend re-index the index page,
        # which recomputes title norms over every search entry (two scans that grow with
        # the board, per chunk). Cached answers may lag behind an import until it ends.
        parent.save(update_fields=["numchild"], clean=False)
    return report


def import_batch(rows: list[dict], institution: Institution, *, mode: str = Mode.MODERATE):
    """The employer API's batch: plain dicts (our field names or schema.org JobPosting) for
    one institution; returns the report with every row's outcome, numbered from 1."""
    records = (
        Record(number, data if isinstance(data, dict) else {"_invalid": data})
        for number, data in enumerate(rows, start=1)
    )
    return import_rows(
        records,
        institution=institution,
        mode=mode,
        keep_outcomes=True,
        source=lifecycle.Source.API,
    )


def existing_jobs(keys: list[tuple[int, str]]):
    """The jobs that may be those these (institution, reference) keys name: matched by
    reference alone, the caller checking the institution. A reference is all but unique,
    while filtering on the chunk's institutions too let SQLite's planner (which has no
    statistics) walk every job of those institutions for each chunk, so an import slowed
    down as the board grew."""
    return JobPostingPage.objects.filter(reference__in={reference for _inst, reference in keys})


class _ChunkImporter:
    def __init__(
        self,
        parent: JobIndexPage,
        mode: str,
        user,
        lookups: Lookups,
        report,
        feed,
        source: lifecycle.Source = lifecycle.Source.IMPORT,
    ):
        self.parent, self.mode, self.user = parent, mode, user
        self.lookups, self.report, self.feed = lookups, report, feed
        self.source = source
        self.change_page = Permission.objects.get(codename="change_page")
        self.locale = parent.locale
        self.discipline_by_pk = {d.pk: d for d in lookups.disciplines.by_slug.values()}
        self.last_suffix: dict[str, int] = {}  # slug base -> highest "-n" given under parent
        self.title_lengths = bulk_search.TitleLengths()
        self.unanalysed = 0  # rows written since the tables were last analysed
        self.analysed_jobs: float | None = None  # the jobs table's size then (PostgreSQL's)

    def run(self, chunk: list[_Row], progress: Progress | None) -> None:
        if not chunk:
            return
        to_write = self._prepare(chunk)
        if to_write:
            try:
                self._write(to_write)
            except DatabaseError:
                # One row the database refuses must not sink its neighbours: write one by one.
                for row in to_write:
                    self._write_alone(row)
                to_write = []
            for row in to_write:
                status = UPDATED if row.existing else CREATED
                self.report.add(Outcome(row.number, status, row.page.pk))
            self._analyse(len(to_write))
        if progress is not None:
            progress.update(len(chunk))

    def _analyse(self, written: int) -> None:
        """PostgreSQL plans a chunk's reads from the tables' statistics, and autovacuum
        analyses a growing table late, if at all. Planned for the board of the last analysis
        (or none: an empty board), those reads scanned every job and page for each chunk
        instead of using their indexes; at 200,000 jobs that was most of the database's
        time. So the import analyses the tables each time it has written as many rows as
        the board held when they were last analysed: a few times per import, each a
        fixed-size sample."""
        self.unanalysed += written
        if connection.vendor != "postgresql" or self.unanalysed < ANALYZE_AFTER_ROWS:
            return
        with connection.cursor() as cursor:
            if self.analysed_jobs is None:
                self.analysed_jobs = self._jobs_when_analysed(cursor)
            if self.unanalysed < self.analysed_jobs:
                return
            tables = (connection.ops.quote_name(m._meta.db_table) for m in analysed_models())
            cursor.execute(f"ANALYZE {', '.join(tables)}")
            self.analysed_jobs, self.unanalysed = self._jobs_when_analysed(cursor), 0

    @staticmethod
    def _jobs_when_analysed(cursor) -> float:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
            [JobPostingPage._meta.db_table],
        )
        return max(cursor.fetchone()[0], 0)  # -1: never analysed

    # --- Matching and validating (reads only) ---------------------------------------------

    def _prepare(self, chunk: list[_Row]) -> list[_Row]:
        existing = self._existing([row.parsed.key for row in chunk if row.parsed.key])
        rest = []
        for row in chunk:
            row.existing = existing.get(row.parsed.key)
            if "__all__" in row.parsed.errors:  # not a record at all
                self.report.fail(row, row.parsed.errors)
            elif row.existing and self._fingerprint_unchanged(row):
                self.report.add(Outcome(row.number, UNCHANGED, row.existing["pk"]))
            else:
                rest.append(row)
        pages = self._latest_revisions([row.existing for row in rest if row.existing])
        to_write = []
        for row in rest:
            # A new page's locale is its parent's; set now, validation need not look it up.
            page = pages[row.existing["pk"]] if row.existing else JobPostingPage(locale=self.locale)
            before = snapshot(page) if row.existing else None
            errors = fill_job(page, row.parsed, self.lookups)
            if errors:
                # The job it names (if any) is still listed: a broken row does not close it.
                self.report.fail(row, errors, page.pk)
                continue
            row.page = page
            if row.existing and before == snapshot(page) and not self._needs_publish(row):
                self.report.add(Outcome(row.number, UNCHANGED, page.pk))
                continue
            to_write.append(row)
        return to_write

    def _existing(self, keys: list[tuple[int, str]]) -> dict:
        if not keys:
            return {}
        wanted = set(keys)
        rows = (
            existing_jobs(keys)
            .order_by("pk")
            .values(
                "pk",
                "institution_id",
                "reference",
                "live",
                "has_unpublished_changes",
                "latest_revision_id",
                "import_state__fingerprint",
                "import_state__revision_id",
            )
        )
        found = {}
        for row in rows:  # the institution is checked here (see existing_jobs)
            key = (row["institution_id"], row["reference"])
            if key in wanted:
                found.setdefault(key, row)
        return found

    def _latest_revisions(self, existing: list[dict]) -> dict[int, JobPostingPage]:
        """Each existing job as its latest revision has it: what an edit starts from.
        `Page.with_content_json` builds that with about eight queries a page (a check of
        each foreign key, the disciplines, the parent, the comments); here a chunk costs
        three (pages, revisions, open comments), whatever its size."""
        pages = JobPostingPage.objects.in_bulk([row["pk"] for row in existing])
        revisions = Revision.objects.in_bulk(
            [row["latest_revision_id"] for row in existing if row["latest_revision_id"]]
        )
        comments = defaultdict(list)
        for comment in Comment.objects.filter(page_id__in=pages, resolved_at__isnull=True):
            comments[comment.page_id].append(comment)
        for pk, page in pages.items():
            revision = revisions.get(page.latest_revision_id)
            if revision is not None:
                pages[pk] = self._as_revised(page, revision.content, comments[pk])
        return pages

    def _as_revised(self, page: JobPostingPage, content: dict, comments: list):
        """What `page.with_content_json(content)` returns, from memory. Foreign keys are not
        checked: the import sets the job's own (institution, role) and the page-wide ones
        come from the page row; disciplines are the lookups' objects."""
        content = dict(content)
        discipline_ids = content.pop("disciplines", [])
        revised = JobPostingPage.from_serializable_data(content, check_fks=False)
        revised.disciplines.set(
            [self.discipline_by_pk[pk] for pk in discipline_ids if pk in self.discipline_by_pk]
        )
        # Kept from the page as a whole, as with_content_json keeps them.
        for name in PAGE_WIDE_FIELDS:
            setattr(revised, name, getattr(page, name))
        revised.pk = page.pk
        revised.first_published_at = revised.first_published_at or page.first_published_at
        parent_path = page.url_path.removesuffix(f"{page.slug}/")
        revised.url_path = f"{parent_path}{revised.slug}/"
        # Open comments are the page's; their positions the revision's.
        positions = {c["pk"]: c["position"] for c in content.get(COMMENTS_RELATION_NAME, [])}
        for comment in comments:
            comment.position = positions.get(comment.pk, comment.position)
        setattr(revised, COMMENTS_RELATION_NAME, comments)
        return revised

    def _needs_publish(self, row: _Row) -> bool:
        unpublished = not row.existing["live"] or row.existing["has_unpublished_changes"]
        return self.mode == Mode.PUBLISH and unpublished

    def _fingerprint_unchanged(self, row: _Row) -> bool:
        existing = row.existing
        return (
            existing["import_state__fingerprint"] == row.parsed.fingerprint
            and existing["import_state__revision_id"] == existing["latest_revision_id"]
            and not self._needs_publish(row)
        )

    # --- Writing ---------------------------------------------------------------------------

    def _write_alone(self, row: _Row) -> None:
        if row.existing is None:
            row.page.pk = row.page.id = None
            row.page._state.adding = True
        try:
            self._write([row])
        except DatabaseError as err:
            self.report.add(Outcome(row.number, FAILED, errors={"__all__": [str(err)]}))
        else:
            self.report.add(Outcome(row.number, UPDATED if row.existing else CREATED, row.page.pk))

    @transaction.atomic
    def _write(self, rows: list[_Row]) -> None:
        now = timezone.now()
        publish = self.mode == Mode.PUBLISH
        self.parent.refresh_from_db()
        new = [row.page for row in rows if row.existing is None]
        changed = [row.page for row in rows if row.existing is not None]
        pages = new + changed
        for page in pages:
            page.has_unpublished_changes = not publish
            page.draft_title, page.latest_revision_created_at = page.title, now
            page.expire_at = page.closes_at  # the closing date rules, as JobPostingPage.save
            if publish:
                page.live, page.expired = True, False
                page.first_published_at = page.first_published_at or now
                page.posted_at = page.first_published_at  # as JobPostingPage.save keeps it
                page.last_published_at = now
        if new:
            self._insert(new, publish)
        bulk_pages.save_revisions(pages, user=self.user, at=now)
        if publish:
            for page in pages:
                page.live_revision = page.latest_revision
        self._update_page_rows(new, changed, publish)
        self._set_disciplines(new, changed if publish else [])
        bulk_pages.log_actions(new, "wagtail.create", user=self.user, at=now)
        bulk_pages.log_actions(changed, "wagtail.edit", user=self.user, at=now)
        if publish:
            bulk_pages.log_actions(pages, "wagtail.publish", user=self.user, at=now)
        # The entries of the rows written: new pages, and changed ones only when published.
        # A changed draft lives in its revision; its page's row and entry stay the live
        # version (Wagtail's save_revision writes no content to the row either).
        bulk_search.index_pages(pages if publish else new, self.title_lengths)
        bulk_pages.update_references(pages)
        self._grant_institution_groups(new)
        ImportedJob.objects.bulk_create(
            [
                ImportedJob(
                    job_id=row.page.pk,
                    fingerprint=row.parsed.fingerprint,
                    revision_id=row.page.latest_revision.pk,
                    feed_id=self.feed.pk if self.feed else None,
                )
                for row in rows
            ],
            update_conflicts=True,
            unique_fields=["job"],
            update_fields=["fingerprint", "revision_id", "feed"],
        )
        if self.mode == Mode.MODERATE:
            for page in pages:
                submit_for_moderation(page, self.user)
        if publish:
            lifecycle.pages_published(pages, self.source)
        # An update, so each committed chunk leaves a sound tree; import_rows saves the
        # index (post_save) once at the end.
        self.parent.numchild += len(new)
        Page.objects.filter(pk=self.parent.pk).update(numchild=F("numchild") + len(new))

    def _insert(self, pages: list[JobPostingPage], publish: bool) -> None:
        self._give_unique_slugs(pages)
        for page in pages:
            page.translation_key = uuid.uuid4()
            # A new page has no comments; saying so spares a query per page wherever
            # Wagtail serialises it (the revision, the search entry).
            setattr(page, COMMENTS_RELATION_NAME, [])
            page.owner = self.user
            page.live = publish
        bulk_pages.insert_pages(self.parent, pages)

    def _update_page_rows(self, new: list, changed: list, publish: bool) -> None:
        revision_fields = [
            "latest_revision",
            "latest_revision_created_at",
            "draft_title",
            "has_unpublished_changes",
        ]
        live_fields = [
            "live",
            "expired",
            "live_revision",
            "first_published_at",
            "last_published_at",
        ]
        if new:
            # Everything else was inserted with the row; only the revision ids are new. One
            # UPDATE with a subquery is far cheaper than bulk_update's CASE per row.
            latest = Revision.objects.filter(
                base_content_type_id=new[0].latest_revision.base_content_type_id,
                object_id=Cast(OuterRef("pk"), CharField()),
            ).order_by("-pk")
            revision = Subquery(latest.values("pk")[:1])
            Page.objects.filter(pk__in=[page.pk for page in new]).update(
                latest_revision=revision, **({"live_revision": revision} if publish else {})
            )
        if changed and publish:
            # Publishing writes the revision's content to the page row, as Revision.publish.
            content = [
                f.name for f in JobPostingPage._meta.local_concrete_fields if not f.primary_key
            ]
            JobPostingPage.objects.bulk_update(
                changed, [*revision_fields, *live_fields, "title", "expire_at", *content]
            )
        elif changed:
            JobPostingPage.objects.bulk_update(changed, revision_fields)

    def _set_disciplines(self, new: list, republished: list) -> None:
        """Relations live on the page row, not only in the revision: written for new jobs and
        for published changes, as a page save would; a draft edit keeps them in its revision."""
        through = JobPostingPage.disciplines.through
        if republished:
            through.objects.filter(jobpostingpage_id__in=[p.pk for p in republished]).delete()
        through.objects.bulk_create(
            through(jobpostingpage_id=page.pk, discipline_id=discipline.pk)
            for page in new + republished
            for discipline in page.disciplines.all()
        )

    def _give_unique_slugs(self, pages: list[JobPostingPage]) -> None:
        """Slugs from titles, unique under the index with Wagtail's "-2", "-3" suffixes. The
        highest suffix in use is looked up once per title per import, then counted on, so
        a title repeated thousands of times costs one query, not one per chunk."""
        siblings = Page.objects.child_of(self.parent)
        bases = [slugify(page.title, allow_unicode=True)[:SLUG_LENGTH] or "job" for page in pages]
        unknown = set(bases) - self.last_suffix.keys()
        taken = set(siblings.filter(slug__in=unknown).values_list("slug", flat=True))
        self.last_suffix.update({base: 1 if base in taken else 0 for base in unknown})
        if taken:
            numbered = Q()
            for base in taken:
                numbered |= Q(slug__startswith=f"{base}-")
            for slug in siblings.filter(numbered).values_list("slug", flat=True):
                base, _, number = slug.rpartition("-")
                if base in taken and number.isdigit():
                    self.last_suffix[base] = max(self.last_suffix[base], int(number))
        for page, base in zip(pages, bases, strict=True):
            suffix = self.last_suffix[base] = self.last_suffix[base] + 1
            page.slug = base if suffix == 1 else f"{base}-{suffix}"

    def _grant_institution_groups(self, pages: list[JobPostingPage]) -> None:
        """What content.employers.accounts does on each save: the institution's group may edit
        it."""
        groups = {
            group.name: group
            for group in Group.objects.filter(
                name__in={GROUP_PREFIX + page.institution.slug for page in pages}
            )
        }
        GroupPagePermission.objects.bulk_create(
            [
                GroupPagePermission(
                    group_id=groups[GROUP_PREFIX + page.institution.slug].pk,
                    page_id=page.pk,
                    permission_id=self.change_page.pk,
                )
                for page in pages
                if GROUP_PREFIX + page.institution.slug in groups
            ]
        )
