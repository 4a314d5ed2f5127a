"""The demo home page: Wagtail's default root page becomes a HomePage in place, with the
section pages under it, and a frontend reads it (intro, featured guides, latest jobs)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Site

from content.models import (
    GlossaryIndexPage,
    GuideIndexPage,
    GuidePage,
    HomePage,
    HomePageFeaturedGuide,
    JobIndexPage,
    JobPostingPage,
)
from tests.content.factories import (
    DisciplineFactory,
    GuideIndexPageFactory,
    GuidePageFactory,
    JobPostingPageFactory,
)

pytestmark = pytest.mark.django_db

HOME = """
{ page(urlPath: "/") {
    title
    ... on HomePage { intro featuredGuides { slug url } latestJobs { slug url } jsonLd }
} }
"""


def seed(jobs: int = 5) -> None:
    call_command("seed_demo", jobs=jobs, stdout=StringIO(), stderr=StringIO())


def default_root() -> Page:
    return Site.objects.get(is_default_site=True).root_page


def test_the_welcome_page_becomes_the_home_page_in_place(graphql):
    welcome = default_root()
    assert welcome.specific_class is Page  # Wagtail's "Welcome to your new Wagtail site!"
    seed()

    home = default_root().specific
    assert isinstance(home, HomePage) and home.pk == welcome.pk
    assert home.live and not home.has_unpublished_changes
    assert home.title == "Academic jobs and career guides" and home.intro
    assert home.url_path == welcome.url_path and home.path == welcome.path
    assert {type(page) for page in home.get_children().specific()} == {
        GuideIndexPage,
        GlossaryIndexPage,
        JobIndexPage,
    }
    assert all(not problems for problems in Page.find_problems())

    # Page paths are what they were: /jobs/<slug>/, /guides/<slug>/, /glossary/<slug>/.
    assert GuidePage.objects.get(slug="phd-jobs-in-machine-learning").url == (
        "/guides/phd-jobs-in-machine-learning/"
    )
    job = JobPostingPage.objects.first()
    assert job.url == f"/jobs/{job.slug}/"

    data = graphql.execute(HOME)["page"]
    assert data["title"] == home.title and data["intro"] == home.intro
    assert [guide["slug"] for guide in data["featuredGuides"]] == [
        "phd-jobs-in-machine-learning",
        "postdoc-jobs-in-machine-learning",
        "lecturer-jobs-in-computer-science",
    ]
    newest = JobPostingPage.objects.order_by("-first_published_at", "-pk")
    assert [job["slug"] for job in data["latestJobs"]] == [
        job.slug for job in newest[: home.latest_jobs_count]
    ]
    assert json.loads(data["jsonLd"])["name"] == home.title


def test_seeding_again_keeps_what_editors_changed_on_the_home_page():
    seed()
    home = default_root().specific
    home.intro = "Our own words."
    home.featured_guide_links = []
    home.save_revision().publish()

    seed()
    home = default_root().specific
    assert home.intro == "Our own words."
    assert not home.featured_guide_links.exists()
    assert HomePage.objects.count() == 1


def test_a_root_page_of_another_type_is_refused_and_nothing_is_written():
    root = default_root()
    guides = GuideIndexPageFactory(parent=root.get_parent(), slug="other-root")
    Site.objects.filter(pk=Site.objects.get(is_default_site=True).pk).update(root_page=guides)
    pages = Page.objects.count()
    with pytest.raises(CommandError, match="root page is a GuideIndexPage"):
        seed()
    assert Page.objects.count() == pages
    assert not HomePage.objects.exists()


def test_the_home_page_lists_only_live_guides_and_open_jobs(graphql, job_index, guide_index):
    root = default_root()
    home = HomePage(title="Home", slug="start", intro="Hello.", latest_jobs_count=2)
    root.get_parent().add_child(instance=home)
    draft, live = GuidePageFactory(parent=guide_index), GuidePageFactory(parent=guide_index)
    draft.unpublish()
    home.featured_guide_links = [
        HomePageFeaturedGuide(guide=draft),
        HomePageFeaturedGuide(guide=live),
    ]
    home.save_revision().publish()

    now = timezone.now()
    closed = JobPostingPageFactory(parent=job_index, first_published_at=now)
    JobPostingPage.objects.filter(pk=closed.pk).update(
        closing_date=timezone.localdate() - dt.timedelta(days=1)
    )
    _older, newer, newest = (
        JobPostingPageFactory(parent=job_index, first_published_at=now - dt.timedelta(hours=h))
        for h in (3, 2, 1)
    )

    data = graphql.execute(
        '{ page(slug: "start") { ... on HomePage { featuredGuides { slug } '
        "latestJobs { slug } } } }"
    )["page"]
    assert data["featuredGuides"] == [{"slug": live.slug}]
    assert data["latestJobs"] == [{"slug": newest.slug}, {"slug": newer.slug}]


def test_the_home_page_costs_the_same_queries_for_2_or_12_jobs(graphql, job_index, guide_index):
    home = HomePage(title="Home", slug="start")
    default_root().get_parent().add_child(instance=home)
    guides = [GuidePageFactory(parent=guide_index) for _ in range(4)]
    home.featured_guide_links = [HomePageFeaturedGuide(guide=guide) for guide in guides]
    home.save_revision().publish()
    disciplines = [DisciplineFactory(), DisciplineFactory()]
    for _ in range(12):
        JobPostingPageFactory(parent=job_index, disciplines=disciplines)
    query = """{ page(slug: "start") { ... on HomePage {
        featuredGuides { slug role { slug } }
        latestJobs { slug institution { name } role { name } disciplines { slug } } } } }"""

    def queries_for(count: int) -> int:
        home.latest_jobs_count = count
        home.save_revision().publish()  # which also clears cached answers
        with CaptureQueriesContext(connection) as queries:
            assert len(graphql.execute(query)["page"]["latestJobs"]) == count
        return len(queries)

    assert queries_for(2) == queries_for(12)


def test_section_pages_belong_under_the_home_page():
    root = default_root()
    home = HomePage(title="Home", slug="start")
    root.get_parent().add_child(instance=home)
    for model in (GuideIndexPage, GlossaryIndexPage, JobIndexPage):
        assert model.can_create_at(home)
        assert not model.can_create_at(root)  # Wagtail's plain page
    assert HomePage.can_exist_under(root.get_parent())
    assert not HomePage.can_create_at(root.get_parent())  # one home page (max_count)
