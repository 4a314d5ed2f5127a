"""`seed_demo` on the test database: the seed page as a guide, the glossary, the taxonomy,
institutions and generated jobs, all readable through /graphql/; re-running adds nothing."""

import datetime as dt
import re
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

from content.demo.institutions import INSTITUTIONS
from content.demo.jobs import Catalogue, generate_job
from content.demo.taxonomy import DISCIPLINES, ROLES
from content.models import (
    DefinitionPage,
    Discipline,
    GlossaryIndexPage,
    GuideIndexPage,
    GuidePage,
    Institution,
    JobIndexPage,
    JobPostingPage,
    Role,
)

pytestmark = pytest.mark.django_db

SEED_PAGE_TERMS = ["phd", "machine-learning", "neural-networks", "deep-learning"]

GUIDE = """
query Guide($slug: String) {
  guide(slug: $slug) {
    title slug relatedGuides { slug }
    body {
      blockType
      ... on SectionHeadingBlock { text icon anchor level }
      ... on DefinitionListBlock { terms { slug term abbreviation } }
      ... on StatisticBlock { value label }
      ... on BulletListBlock { items { ... on LabelledItemBlock { label text } } }
      ... on JobSearchBlock { intro role { slug } discipline { slug } country jobCount
                              jobs(limit: 3) { slug } }
    }
  }
}
"""

JOBS = """
query Jobs($search: String, $roles: [String!], $perPage: Int) {
  jobs(search: $search, roles: $roles, perPage: $perPage) {
    items { slug title institution { slug } role { slug } disciplines { slug }
            salary { min max currency period } closingDate applicationUrl applicationEmail }
    pagination { total }
  }
}
"""


def seed(jobs: int) -> str:
    out = StringIO()
    call_command("seed_demo", jobs=jobs, stdout=out, stderr=StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [Discipline, Role, Institution, DefinitionPage, GuidePage, JobPostingPage, Page]
    return {model.__name__: model.objects.count() for model in models}


def test_the_seed_page_is_a_guide_with_every_part_and_the_site_around_it(graphql):
    seed(jobs=30)
    root = Site.objects.get(is_default_site=True).root_page
    for model, slug in [(GuideIndexPage, "guides"), (GlossaryIndexPage, "glossary")]:
        assert model.objects.child_of(root).live().get().slug == slug
    assert JobIndexPage.objects.child_of(root).live().get().slug == "jobs"

    guide = graphql.execute(GUIDE, {"slug": "phd-jobs-in-machine-learning"})["guide"]
    assert guide["title"] == "PhD Jobs in Machine Learning"
    blocks = guide["body"]
    types = {block["blockType"] for block in blocks}
    assert {
        "SectionHeadingBlock",
        "RichTextBlock",
        "BulletListBlock",
        "DefinitionListBlock",
        "StatisticBlock",
        "JobSearchBlock",
    } <= types

    headings = [b for b in blocks if b["blockType"] == "SectionHeadingBlock"]
    assert [(h["icon"], h["anchor"]) for h in headings if h["level"] == "h2"] == [
        ("🤖", "understanding"),
        ("📚", "definitions"),
        ("📋", "requirements"),
        ("📈", "history"),
        ("🚀", "career-prospects"),
        ("💼", "next-steps"),
    ]
    assert {h["text"] for h in headings if h["level"] == "h3"} >= {
        "Required Academic Qualifications",
        "Research Focus or Expertise Needed",
        "Preferred Experience",
        "Skills and Competencies",
    }

    (definitions,) = [b for b in blocks if b["blockType"] == "DefinitionListBlock"]
    assert [term["slug"] for term in definitions["terms"]] == SEED_PAGE_TERMS
    assert definitions["terms"][0]["abbreviation"] == "PhD"

    figures = {b["value"] for b in blocks if b["blockType"] == "StatisticBlock"}
    assert {"10,000+", "80%", "~$140,000", "3–7 years", "3.5 / 4.0", "1956", "2012"} <= figures

    labels = {
        item["label"] for b in blocks if b["blockType"] == "BulletListBlock" for item in b["items"]
    }
    assert {"Programming", "Mathematics", "Soft skills"} <= labels

    searches = [b for b in blocks if b["blockType"] == "JobSearchBlock"]
    assert (searches[0]["role"]["slug"], searches[0]["discipline"]["slug"]) == (
        "phd",
        "machine-learning",
    )
    assert "Funded doctoral places" in searches[0]["intro"]
    assert searches[1]["country"] == "US"
    # The call to action resolves live jobs: at least the computer-science one finds some.
    cs = searches[2]
    assert cs["discipline"]["slug"] == "computer-science"
    assert cs["jobCount"] > 0
    assert len(cs["jobs"]) == min(3, cs["jobCount"])

    assert {g["slug"] for g in guide["relatedGuides"]} == {
        "postdoc-jobs-in-machine-learning",
        "lecturer-jobs-in-computer-science",
    }

    # Each term knows the guide that uses it (Wagtail's reference index).
    used_in = graphql.execute('{ definition(slug: "deep-learning") { usedIn { slug } } }')
    assert {"slug": "phd-jobs-in-machine-learning"} in used_in["definition"]["usedIn"]

    # The glossary, the taxonomy and the institutions.
    terms = DefinitionPage.objects.live()
    assert terms.count() >= 30
    assert terms.exclude(abbreviation="").count() >= 10
    ml = terms.get(slug="machine-learning")
    assert ml.abbreviation == "ML"
    assert "deep-learning" in {t.slug for t in ml.related_terms.all()}
    assert "machine-learning" in {d.slug for d in ml.disciplines.all()}
    data = graphql.execute('{ definition(slug: "phd") { term aliases relatedTerms { slug } } }')
    assert "Doctorate" in data["definition"]["aliases"]
    assert data["definition"]["relatedTerms"]

    ml_discipline = Discipline.objects.get(slug="machine-learning")
    assert ml_discipline.parent.slug == "computer-science"
    assert Discipline.objects.get(slug="statistics").parent.slug == "mathematics"
    assert Discipline.objects.filter(parent=None).count() >= 5
    assert {"phd", "postdoc", "research-fellow", "lecturer", "professor"} <= set(
        Role.objects.values_list("slug", flat=True)
    )

    assert Institution.objects.count() >= 40
    assert Institution.objects.values("country").distinct().count() >= 5
    assert set(Institution.objects.values_list("kind", flat=True)) == {
        "UNIVERSITY",
        "RESEARCH_INSTITUTE",
        "INDUSTRY_LAB",
    }
    for institution in Institution.objects.all():
        institution.full_clean()


def test_generated_jobs_are_valid_live_and_searchable(graphql, client, admin_user):
    seed(jobs=30)
    index = JobIndexPage.objects.get()
    jobs = JobPostingPage.objects.child_of(index)
    assert jobs.count() == 30
    today = timezone.localdate()
    for job in jobs:
        job.full_clean()  # the bulk-inserted ones as well as the first, normally saved one
        assert job.live and job.first_published_at <= timezone.now()
        assert today < job.closing_date <= today + dt.timedelta(days=120)
        assert job.start_date > job.closing_date
        assert job.expire_at == job.closes_at
        assert job.url_path == f"{index.url_path}{job.slug}/"
        assert job.disciplines.exists()
    assert index.get_children_count() == 30
    assert all(not problems for problems in Page.find_problems())  # treebeard's tree check

    data = graphql.execute(JOBS, {"perPage": 100})["jobs"]
    assert data["pagination"]["total"] == 30
    assert {item["slug"] for item in data["items"]} == set(jobs.values_list("slug", flat=True))
    assert all(item["applicationUrl"] or item["applicationEmail"] for item in data["items"])
    assert len({item["institution"]["slug"] for item in data["items"]}) > 5

    phd = graphql.execute(JOBS, {"roles": ["phd"], "perPage": 100})["jobs"]
    assert phd["pagination"]["total"] == jobs.filter(role__slug="phd").count() > 0

    # Bulk-inserted jobs are in the search index too.
    bulk_job = jobs.order_by("path").last()
    word = bulk_job.title.split()[-1]
    found = graphql.execute(JOBS, {"search": word, "perPage": 100})["jobs"]["items"]
    assert bulk_job.slug in {item["slug"] for item in found}

    # Editors can open a bulk-inserted job in the admin like any other page, and the job
    # listing tells them when each was last updated.
    client.force_login(admin_user)
    assert all(job.latest_revision_created_at for job in jobs)
    listing = BeautifulSoup(
        client.get(reverse("wagtailadmin_explore", args=[index.pk])).content, "html.parser"
    )
    headers = [th.get_text(strip=True) for th in listing.select("table.listing thead th")]
    updated = headers.index("Updated")
    rows = listing.select("table.listing tbody tr")
    assert len(rows) == 30
    assert all(row.find_all("td")[updated].get_text(strip=True) for row in rows)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[bulk_job.pk]))
    assert edit.status_code == 200
    assert bulk_job.reference in edit.content.decode()


def test_rerunning_adds_nothing_and_a_larger_count_adds_only_the_missing_jobs(graphql):
    seed(jobs=12)
    total = "{ jobs { pagination { total } } }"
    assert graphql.execute(total)["jobs"]["pagination"]["total"] == 12
    before = counts()
    first_jobs = dict(JobPostingPage.objects.values_list("slug", "pk"))
    assert "0 jobs" in seed(jobs=12)
    assert counts() == before

    progress = StringIO()
    call_command("seed_demo", jobs=20, stdout=StringIO(), stderr=progress)
    assert "20/20" in progress.getvalue()  # tqdm's bar
    after = counts()
    assert after["JobPostingPage"] == 20
    # Bulk inserts send no per-row signals; cached GraphQL answers must still see the new jobs.
    assert graphql.execute(total)["jobs"]["pagination"]["total"] == 20
    assert after["Page"] == before["Page"] + 8
    assert {k: v for k, v in after.items() if k not in ("JobPostingPage", "Page")} == {
        k: v for k, v in before.items() if k not in ("JobPostingPage", "Page")
    }
    # The first twelve are untouched.
    assert (
        dict(JobPostingPage.objects.filter(pk__in=first_jobs.values()).values_list("slug", "pk"))
        == first_jobs
    )
    assert all(not problems for problems in Page.find_problems())


def test_a_negative_job_count_is_refused_and_writes_nothing():
    pages = Page.objects.count()
    with pytest.raises(CommandError, match="--jobs"):
        call_command("seed_demo", jobs=-1, stdout=StringIO(), stderr=StringIO())
    assert Page.objects.count() == pages
    assert not Institution.objects.exists()


def test_job_n_is_always_the_same_job():
    catalogue = Catalogue(
        institutions=list(enumerate(INSTITUTIONS)),
        role_ids={role.slug: n for n, role in enumerate(ROLES)},
        discipline_ids={discipline.slug: n for n, discipline in enumerate(DISCIPLINES)},
    )
    today, now = dt.date(2030, 1, 1), dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    first = [generate_job(n, catalogue, today, now) for n in range(50)]
    again = [generate_job(n, catalogue, today, now) for n in range(50)]
    assert first == again
    assert len({job.slug for job in first}) == 50
    assert len({job.title for job in first}) > 25


def test_the_seed_guides_paragraphs_link_to_terms_guides_and_job_searches(graphql):
    seed(jobs=5)
    query = (
        'query { guide(slug: "phd-jobs-in-machine-learning") '
        "{ body { blockType ... on RichTextBlock { text: value } } } }"
    )
    body = graphql.execute(query)["guide"]["body"]
    html = " ".join(
        block.get("text", "") for block in body if block["blockType"] == "RichTextBlock"
    )
    hrefs = re.findall(r'<a href="([^"]+)"', html)
    for target in (
        "/glossary/artificial-intelligence/",
        "/glossary/supervised-learning/",
        "/glossary/reinforcement-learning/",
        "/guides/postdoc-jobs-in-machine-learning/",
        "/jobs/?roles=phd&amp;disciplines=machine-learning",
        "/post-a-job/",
    ):
        assert any(href.endswith(target) for href in hrefs), (target, hrefs)
    assert "term:" not in html and "guide:" not in html  # every seed link was resolved
