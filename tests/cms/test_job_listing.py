"""The `jobs` listing's projection (cms/graphql/jobs/listing.py) answers exactly what the
model path answers: every field it plans for, over jobs that exercise each computed value,
compared with the same query forced onto the model path."""

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.graphql.jobs.listing import COLUMNS
from tests.content.factories import (
    DisciplineFactory,
    InstitutionFactory,
    JobIndexPageFactory,
    JobPostingPageFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

# Every field the projection plans for (nested selections where the field is an object).
NESTED = {
    "institution": "{ name slug country { code name } city websiteUrl logo { title } }",
    "role": "{ name slug }",
    "disciplines": "{ name slug parent { name } }",
    "country": "{ code name }",
    "salary": "{ min max currency period }",
}
ITEM_FIELDS = " ".join(f"{name} {NESTED.get(name, '')}" for name in COLUMNS)
LISTING = "{ jobs(perPage: 20) { items { " + ITEM_FIELDS + " } pagination { total } } }"
# `pageType` is not planned for: the same query on the model path.
MODEL = LISTING.replace("items { ", "items { pageType ")


@pytest.fixture(autouse=True)
def no_response_cache(settings):
    settings.GRAPHQL_CACHE_SECONDS = 0


@pytest.fixture
def jobs(job_index):
    parent = DisciplineFactory(name="Physics")
    optics = DisciplineFactory(name="Optics", parent=parent)
    logo = wagtail_factories.ImageFactory(title="Logo")
    with_logo = InstitutionFactory(name="Lab One", country="DE", logo=logo)
    JobPostingPageFactory(
        parent=job_index,
        title="Postdoc in optics",
        institution=with_logo,
        country="",  # the institution's
        keywords="lasers, photonics",
        disciplines=[optics, parent],
        department="Physics",
        duration_months=24,
    )
    JobPostingPageFactory(
        parent=job_index,
        title="Études de cas",
        slug="études-de-cas",  # a Unicode slug, percent-encoded in the URL
        country="FR",
        salary_min=None,
        salary_max=None,
        role=RoleFactory(name="Lecturer"),
    )
    JobPostingPageFactory(parent=job_index, title="Only a minimum", salary_max=None, funded=True)
    # A second jobs section, elsewhere in the tree.
    other = JobIndexPageFactory(parent=job_index.get_parent(), slug="more-jobs", title="More")
    JobPostingPageFactory(parent=other, title="Elsewhere")


def items(graphql, query) -> list[dict]:
    result = graphql.execute(query)["jobs"]["items"]
    for item in result:
        item.pop("pageType", None)
    return result


def test_the_projection_answers_what_the_models_answer(graphql, jobs):
    listed = items(graphql, LISTING)
    assert len(listed) == 4
    assert listed == items(graphql, MODEL)
    by_title = {item["title"]: item for item in listed}
    assert by_title["Postdoc in optics"]["country"] == {"code": "DE", "name": "Germany"}
    assert by_title["Postdoc in optics"]["keywords"] == ["lasers", "photonics"]
    assert by_title["Études de cas"]["salary"] is None
    assert "%C3%A9tudes-de-cas" in by_title["Études de cas"]["url"]


def test_the_projection_reads_no_page_model(graphql, jobs):
    """The page query selects only the planned columns (no rich text), and the listing costs
    the same SQL as the model path at most."""
    graphql.execute(LISTING)
    with CaptureQueriesContext(connection) as listing:
        graphql.execute(LISTING)
    with CaptureQueriesContext(connection) as model:
        graphql.execute(MODEL)
    page_queries = [q["sql"] for q in listing.captured_queries if '"url_path"' in q["sql"]]
    rich_text = '"content_jobpostingpage"."description"'
    assert page_queries and all(rich_text not in sql for sql in page_queries)
    assert len(listing.captured_queries) <= len(model.captured_queries)


@pytest.mark.parametrize(
    "query",
    [
        # A named fragment on the interface, and an inline one on the type.
        "query { jobs { items { ...Page ... on JobPostingPage { city } } } }"
        " fragment Page on PageInterface { title url }",
        # A directive: planned for by the model path only, with the same answer.
        "query { jobs { items { title url @include(if: true) city } } }",
        # Aliases, twice the same list.
        "query { jobs { a: items { title } b: items { url } } }",
    ],
)
def test_fragments_directives_and_aliases_answer_alike(graphql, jobs, query):
    data = graphql.execute(query)
    forced = graphql.execute(query.replace("jobs {", "jobs { items { pageType }", 1))
    for key in data["jobs"]:
        assert data["jobs"][key] == [
            {name: value for name, value in item.items() if name != "pageType"}
            for item in forced["jobs"][key]
        ]
