"""Write the demo content: taxonomy, institutions, glossary, guides and generated jobs.

Every step creates only what is missing (looked up by slug), so seeding twice adds nothing.
Guides, glossary terms and the first job go through Wagtail's normal add/revision/publish
path; the rest of the jobs are bulk-inserted, because saving pages one by one takes hours
at 100,000 jobs.
"""

import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Protocol

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from content import open_counts
from content.demo.glossary import TERMS
from content.demo.guides import GUIDES, GuideSeed
from content.demo.home import seed_home
from content.demo.institutions import INSTITUTIONS
from content.demo.jobs import Catalogue, JobSpec, generate_job
from content.demo.taxonomy import DISCIPLINES, ROLES
from content.imports import bulk_pages, bulk_search
from content.models import (
    DefinitionPage,
    Discipline,
    GlossaryIndexPage,
    GuideIndexPage,
    GuidePage,
    GuideRelatedGuide,
    Institution,
    JobIndexPage,
    JobPostingPage,
    Role,
)

BULK_CHUNK = 1000

# A link to a page named by kind and slug in the demo seeds: id="term:slug", id="guide:slug".
PAGE_LINK = re.compile(r'id="(term|guide):([a-z0-9-]+)"')


class Progress(Protocol):
    def update(self, n: int) -> None: ...

    def close(self) -> None: ...


@dataclass
class SeedReport:
    disciplines: int = 0
    roles: int = 0
    institutions: int = 0
    definitions: int = 0
    guides: int = 0
    jobs: int = 0


def seed_taxonomy(report: SeedReport) -> None:
    for seed in DISCIPLINES:  # parents are listed before their children
        _, created = Discipline.objects.get_or_create(
            slug=seed.slug,
            defaults={
                "name": seed.name,
                "description": seed.description,
                "parent": Discipline.objects.get(slug=seed.parent) if seed.parent else None,
            },
        )
        report.disciplines += created
    for seed in ROLES:
        _, created = Role.objects.get_or_create(
            slug=seed.slug, defaults={"name": seed.name, "description": seed.description}
        )
        report.roles += created


def seed_institutions(report: SeedReport) -> None:
    existing = set(Institution.objects.values_list("slug", flat=True))
    for seed in INSTITUTIONS:
        if seed.slug in existing:
            continue
        institution = Institution(
            slug=seed.slug,
            name=seed.name,
            country=seed.country,
            city=seed.city,
            website_url=seed.website_url,
            kind=seed.kind,
        )
        institution.full_clean()
        institution.save()
        report.institutions += 1


def _add_draft(parent: Page, page: Page) -> Page:
    """Add the page unpublished; the caller publishes a revision once its relations are set."""
    page.live = False
    parent.add_child(instance=page)
    return page


def index_page(model, slug: str, title: str, intro: str) -> Page:
    """The one index page of this type, created under the default site's root if missing."""
    existing = model.objects.first()
    if existing:
        return existing
    root = Site.objects.get(is_default_site=True).root_page
    page = _add_draft(root, model(title=title, slug=slug, intro=intro))
    page.save_revision().publish()
    return page


def seed_glossary(index: GlossaryIndexPage, report: SeedReport) -> dict[str, DefinitionPage]:
    terms = {page.slug: page for page in DefinitionPage.objects.child_of(index)}
    created = []
    for seed in TERMS:
        if seed.slug in terms:
            continue
        page = DefinitionPage(
            title=seed.term,
            slug=seed.slug,
            term=seed.term,
            abbreviation=seed.abbreviation,
            short_definition=seed.short_definition,
            alternative_names=seed.alternative_names,
            body=[{"type": "paragraph", "value": html} for html in seed.body],
        )
        terms[seed.slug] = _add_draft(index, page)
        created.append((seed, page))
    disciplines = dict(Discipline.objects.values_list("slug", "pk"))
    # Related terms point at each other, so they are linked once every term exists.
    for seed, page in created:
        page.related_terms.set([terms[slug] for slug in seed.related])
        page.disciplines.set([disciplines[slug] for slug in seed.disciplines])
        page.save_revision().publish()
    report.definitions += len(created)
    return terms


def guide_body(
    seed: GuideSeed, terms: dict[str, DefinitionPage], guides: dict[str, GuidePage]
) -> list[dict]:
    """Stream data with glossary terms, roles, disciplines and in-text page links swapped from
    slugs to ids (`<a linktype="page" id="term:slug">` or `id="guide:slug"`: Wagtail's own
    link format once resolved, so a link follows its page when the page moves)."""
    roles = dict(Role.objects.values_list("slug", "pk"))
    disciplines = dict(Discipline.objects.values_list("slug", "pk"))
    pages = {"term": terms, "guide": guides}

    def page_id(match: re.Match) -> str:
        page = pages[match[1]].get(match[2])
        return f'id="{page.pk}"' if page else match[0]  # resolved on the second pass

    blocks = []
    for block_type, value in seed.body:
        if block_type == "definition_list":
            value = {**value, "terms": [terms[slug].pk for slug in value["terms"]]}
        elif block_type == "job_search":
            value = {
                **value,
                "role": roles[value["role"]] if value["role"] else None,
                "discipline": disciplines[value["discipline"]] if value["discipline"] else None,
            }
        elif block_type == "paragraph":
            value = PAGE_LINK.sub(page_id, value)
        blocks.append({"type": block_type, "value": value})
    return blocks


def seed_guides(
    index: GuideIndexPage, terms: dict[str, DefinitionPage], report: SeedReport
) -> dict[str, GuidePage]:
    guides = {page.slug: page for page in GuidePage.objects.child_of(index)}
    created = []
    for seed in GUIDES:
        if seed.slug in guides:
            continue
        page = GuidePage(
            title=seed.title,
            slug=seed.slug,
            subtitle=seed.subtitle,
            summary=seed.summary,
            role=Role.objects.get(slug=seed.role) if seed.role else None,
            discipline=Discipline.objects.get(slug=seed.discipline) if seed.discipline else None,
            body=guide_body(seed, terms, guides),
            last_reviewed=timezone.localdate(),
        )
        guides[seed.slug] = _add_draft(index, page)
        created.append((seed, page))
    for seed, page in created:
        page.body = guide_body(seed, terms, guides)  # links to guides created after it
        page.related_guide_links = [
            GuideRelatedGuide(guide=guides[slug]) for slug in seed.related if slug in guides
        ]
        page.save_revision().publish()
    report.guides += len(created)
    return guides


# --- Jobs ------------------------------------------------------------------------------------


def catalogue() -> Catalogue:
    by_slug = {seed.slug: seed for seed in INSTITUTIONS}
    institutions = [
        (pk, by_slug[slug])
        for pk, slug in Institution.objects.filter(slug__in=by_slug)
        .order_by("slug")
        .values_list("pk", "slug")
    ]
    return Catalogue(
        institutions=institutions,
        role_ids=dict(Role.objects.values_list("slug", "pk")),
        discipline_ids=dict(Discipline.objects.values_list("slug", "pk")),
    )


def missing_jobs(index: JobIndexPage, count: int) -> Iterator[JobSpec | None]:
    """Job n for n in 0..count-1, or None where it is already under the index (by slug)."""
    existing = set(Page.objects.child_of(index).values_list("slug", flat=True))
    known = catalogue()
    today, now = timezone.localdate(), timezone.now()
    for n in range(count):
        spec = generate_job(n, known, today, now)
        yield None if spec.slug in existing else spec


def job_page(spec: JobSpec) -> JobPostingPage:
    return JobPostingPage(
        title=spec.title,
        slug=spec.slug,
        institution_id=spec.institution_id,
        role_id=spec.role_id,
        **spec.fields,
    )


def create_job(index: JobIndexPage, spec: JobSpec) -> JobPostingPage:
    """The normal editor path: add the page, then publish a revision."""
    job = _add_draft(index, job_page(spec))
    job.disciplines.set(spec.discipline_ids)
    job.save_revision().publish()
    return job


TREE_FIELDS = ["path", "depth", "numchild", "url_path"]


def bulk_create_jobs(index: JobIndexPage, specs: list[JobSpec]) -> list[int]:
    """Insert live jobs straight into the tree: paths computed here, one INSERT per table and
    chunk, search entries added in bulk. Every job is validated with full_clean() first."""
    institutions = Institution.objects.in_bulk({spec.institution_id for spec in specs})
    roles = Role.objects.in_bulk()
    disciplines = Discipline.objects.in_bulk()
    content_type = ContentType.objects.get_for_model(JobPostingPage)
    # Foreign keys all hold ids just read from the database; checking each one again per job
    # would cost a query apiece.
    known_relations = [f.name for f in JobPostingPage._meta.concrete_fields if f.is_relation]
    jobs = []
    for spec in specs:
        job = job_page(spec)
        job.institution, job.role = institutions[spec.institution_id], roles[spec.role_id]
        # In memory only (modelcluster): the search index reads them without a query per job.
        job.disciplines.set([disciplines[pk] for pk in spec.discipline_ids])
        job.locale_id = index.locale_id
        job.content_type = content_type
        job.translation_key = uuid.uuid4()
        job.live, job.has_unpublished_changes = True, False
        job.first_published_at = job.last_published_at = spec.first_published_at
        job.posted_at = spec.first_published_at
        # The admin's page listings show this as "Updated"; a normal publish sets it.
        job.latest_revision_created_at = spec.first_published_at
        job.expire_at = job.closes_at
        # Validated before it has a place in the tree, so Page.clean skips its sibling-slug
        # query (one per job); the whole chunk's slugs are checked in one query below.
        try:
            job.full_clean(
                exclude=[*known_relations, *TREE_FIELDS],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as err:
            raise ValidationError(f"Generated job {spec.n} is invalid: {err}") from err
        jobs.append(job)
    siblings = Page.objects.child_of(index)
    clash = siblings.filter(slug__in=[job.slug for job in jobs]).values_list("slug").first()
    if clash:
        raise ValidationError(f"The slug '{clash[0]}' is already in use under {index.url_path}.")
    bulk_pages.insert_pages(index, jobs)
    through = JobPostingPage.disciplines.through
    through.objects.bulk_create(
        through(jobpostingpage_id=job.pk, discipline_id=discipline_id)
        for job, spec in zip(jobs, specs, strict=True)
        for discipline_id in spec.discipline_ids
    )
    bulk_search.index_pages(jobs)
    bulk_search.refresh_title_norms()
    # Seeding announces nothing to the lifecycle (no digests of demo jobs): its jobs are
    # counted here, as the lifecycle counts what it is told of.
    open_counts.recount([job.pk for job in jobs])
    # A real save rather than a queryset update: bulk inserts send no signals, and this
    # post_save is what tells listeners (such as the GraphQL response cache) that content changed.
    index.numchild = index.get_children().count()
    index.save(update_fields=["numchild"], clean=False)
    return [job.pk for job in jobs]


class NoProgress:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def seed_jobs(
    index: JobIndexPage,
    count: int,
    report: SeedReport,
    progress: Callable[[int], Progress] | None = None,
) -> None:
    """Add whichever of jobs 0..count-1 are missing, streaming them in chunks so memory stays
    flat; `progress(count)` returns a bar (e.g. tqdm) advanced as jobs are checked or added."""
    bar = progress(count) if progress else NoProgress()
    first_job = not index.get_children().exists()
    for batch in _batches(missing_jobs(index, count), BULK_CHUNK):
        new = [spec for spec in batch if spec is not None]
        if new and first_job:
            create_job(index, new.pop(0))
            report.jobs, first_job = report.jobs + 1, False
        if new:
            # One transaction per chunk: an interrupted run leaves whole chunks, a sound tree.
            with transaction.atomic():
                index.refresh_from_db()
                report.jobs += len(bulk_create_jobs(index, new))
        bar.update(len(batch))
    bar.close()


def seed_demo(jobs: int = 300, progress: Callable[[int], Progress] | None = None) -> SeedReport:
    report = SeedReport()
    with transaction.atomic():
        seed_taxonomy(report)
        seed_institutions(report)
        glossary = index_page(
            GlossaryIndexPage, "glossary", "Glossary", "Academic and machine learning terms."
        )
        guides = index_page(GuideIndexPage, "guides", "Career guides", "Guides to academic jobs.")
        job_index = index_page(JobIndexPage, "jobs", "Jobs", "Open academic and research posts.")
        terms = seed_glossary(glossary, report)
        seed_home(seed_guides(guides, terms, report))
    seed_jobs(job_index, jobs, report, progress)
    return report
