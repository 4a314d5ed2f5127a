"""SQL per request is constant in the page size, for every list query of the contract: each
query runs over a small and a larger site, and both must cost the same number of queries."""

import json

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.content.factories import (
    DefinitionPageFactory,
    DisciplineFactory,
    GuidePageFactory,
    InstitutionFactory,
    JobPostingPageFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

LIST_QUERIES = {
    "jobs": """{ jobs(perPage: 50) { items {
        title url country { name } salary { min currency } jsonLd
        institution { name logo { url } country { code } jobCount }
        role { name jobCount } disciplines { name parent { name } jobCount }
        parent { title } } pagination { total } } }""",
    # The same list on the projection path (cms/graphql/jobs/listing.py): no field it does
    # not plan for.
    "jobsListing": """{ jobs(perPage: 50) { items {
        title url country { name } salary { min currency }
        institution { name logo { url } country { code } jobCount }
        role { name jobCount } disciplines { name parent { name } jobCount } }
        pagination { total } } }""",
    "guides": """{ guides(perPage: 20) { items {
        title url jsonLd role { name } discipline { name } relatedGuides { title }
        body { blockType
          ... on DefinitionListBlock { terms { term url } }
          ... on CaptionedImageBlock { image { url } }
          ... on JobSearchBlock { role { name } discipline { name } jobCount
            jobs(limit: 3) { title url institution { name } role { name } } } } } } }""",
    "definitions": """{ definitions(perPage: 100) { items {
        term url aliases jsonLd relatedTerms { term } disciplines { name } usedIn { title }
        body { blockType } } } }""",
    "taxonomy": """{ disciplines { name parent { name } children { name } jobCount }
        roles { name jobCount } countries { name jobCount }
        institutions(perPage: 100) { items { name logo { url } country { name } jobCount } } }""",
    "jobFacets": """{ jobFacets { total disciplines { name count } roles { name count }
        countries { name count } institutions { name count } } }""",
    "pages": """{ pages(limit: 100) { title url pageType
        ... on JobPostingPage { institution { name } role { name } disciplines { name } }
        ... on GuidePage { guideRole: role { name } body { blockType } }
        ... on DefinitionPage { relatedTerms { term } usedIn { title } } } }""",
    "search": """{ search(query: "thing") {
        ... on JobPostingPage { title institution { name } disciplines { name } }
        ... on GuidePage { title relatedGuides { title } } } }""",
    "tree": """{ page(urlPath: "/jobs/") { children(limit: 100) { title
        ... on JobPostingPage { institution { name } role { name } } } } }""",
    "images": "{ images(limit: 100) { title url rendition(width: 640) { url } } }",
    "documents": "{ documents(limit: 100) { title url } }",
}


def build_site(job_index, guide_index, glossary_index, start: int, n: int):
    parent = DisciplineFactory()
    for i in range(start, start + n):
        discipline = DisciplineFactory(parent=parent)
        logo = wagtail_factories.ImageFactory(title=f"Logo {i}")
        institution = InstitutionFactory(logo=logo)
        role = RoleFactory()
        JobPostingPageFactory(
            parent=job_index,
            title=f"Thing job {i}",
            institution=institution,
            role=role,
            disciplines=[discipline, parent],
        )
        term = DefinitionPageFactory(parent=glossary_index, disciplines=[discipline])
        guide = GuidePageFactory(parent=guide_index, title=f"Thing guide {i}")
        guide.body = json.dumps(
            [
                {"type": "definition_list", "value": {"heading": "", "terms": [term.pk]}},
                {"type": "image", "value": {"image": logo.pk, "alt_text": "logo"}},
                {
                    "type": "job_search",
                    "value": {"button_label": "Go", "role": role.pk, "discipline": parent.pk},
                },
            ]
        )
        guide.save()
        term.related_terms.set([term])
        term.save()
        wagtail_factories.DocumentFactory(title=f"Document {i}")


def count_queries(graphql, query) -> int:
    graphql.post(query)  # warm the per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as context:
        response = graphql.post(query)
    payload = response.json()
    assert response.status_code == 200 and "errors" not in payload, payload
    return len(context.captured_queries)


@pytest.mark.parametrize("name", sorted(LIST_QUERIES))
def test_list_query_costs_the_same_sql_for_2_and_6_items(
    graphql, job_index, guide_index, glossary_index, settings, name
):
    settings.GRAPHQL_CACHE_SECONDS = 0
    query = LIST_QUERIES[name]
    build_site(job_index, guide_index, glossary_index, 0, 2)
    small = count_queries(graphql, query)
    build_site(job_index, guide_index, glossary_index, 2, 4)
    large = count_queries(graphql, query)
    assert small == large, (name, small, large)


def test_one_jobs_institution_card_counts_only_that_institutions_jobs(graphql, job_index, settings):
    """A job page's institution card asks for one institution's jobCount: its count query is
    limited to that institution (every institution's count cost 1.6 s at a million jobs),
    and reads the kept counts (content/open_counts.py), not the jobs."""
    settings.GRAPHQL_CACHE_SECONDS = 0
    ours, other = InstitutionFactory(), InstitutionFactory()
    job = JobPostingPageFactory(parent=job_index, institution=ours)
    JobPostingPageFactory(parent=job_index, institution=ours)
    JobPostingPageFactory(parent=job_index, institution=other)
    query = '{ job(slug: "SLUG") { institution { jobCount } } }'.replace("SLUG", job.slug)
    graphql.post(query)
    with CaptureQueriesContext(connection) as context:
        payload = graphql.post(query).json()
    assert payload["data"]["job"]["institution"]["jobCount"] == 2
    counts = [q["sql"] for q in context.captured_queries if "openjobcount" in q["sql"]]
    assert len(counts) == 1
    assert f"IN ('{ours.pk}')" in counts[0]
    assert "content_jobpostingpage" not in counts[0]


# The reference frontend's guide page (frontend/src/lib/queries.ts, as `npm run codegen`
# writes it to the persisted documents; bench/scale.py times it).
GUIDE_DOCUMENT = """fragment BodyBlock on StreamFieldInterface { __typename id
  ... on BulletListBlock { heading items { __typename ... on LabelledItemBlock { label text } } }
  ... on CaptionedImageBlock { altText caption image { height url width } }
  ... on DefinitionListBlock { heading terms { abbreviation id shortDefinition slug term url } }
  ... on JobSearchBlock { buttonLabel country countryName discipline { name slug } heading
    intro jobCount jobs(limit: 3) { ...JobCardFields } remoteOnly role { name slug } }
  ... on QuoteBlock { attribution quote } ... on RichTextBlock { value }
  ... on SectionHeadingBlock { anchor icon level text }
  ... on StatisticBlock { label source sourceUrl value } }
fragment GuideCardFields on GuidePage { id slug subtitle summary title url }
fragment GuideFields on GuidePage { body { ...BodyBlock } discipline { name slug } jsonLd
  lastReviewed role { name slug } ...GuideCardFields }
fragment JobCardFields on JobPostingPage { city closingDate country { code name } funded id
  institution { name slug } postedAt remotePolicy role { name slug }
  salary { currency max min period } slug title url }
query Guide($slug: String!) { guide(slug: $slug) { relatedGuides { slug title url }
  ...GuideFields } }"""


def test_a_guide_costs_the_same_sql_however_many_calls_to_action_links_and_jobs(
    graphql, job_index, guide_index, glossary_index, settings
):
    """The frontend's guide page: its calls to action (each kind of search: by one filter,
    counted from its dimension, and by several, from the combinations), the page links of
    its rich text (paragraphs, list items, the calls' intros) and the jobs they list cost a
    number of statements that grows with none of them."""
    settings.GRAPHQL_CACHE_SECONDS = 0
    science = DisciplineFactory(slug="science")
    physics = DisciplineFactory(slug="physics", parent=science)
    roles = [RoleFactory(), RoleFactory()]
    institution = InstitutionFactory(country="DE")
    guide = GuidePageFactory(parent=guide_index, title="Guide with calls")

    def add_jobs(n):
        for i in range(n):
            JobPostingPageFactory(
                parent=job_index,
                role=roles[i % 2],
                institution=institution,
                country=("DE", "FR")[i % 2],
                remote_policy=("REMOTE", "ON_SITE")[i % 3 == 0],
                funded=i % 2 == 0,
                disciplines=[(science, physics)[i % 2]],
            )

    def link(page) -> str:
        return f'<a linktype="page" id="{page.pk}">{page.title}</a>'

    def body(copies: int) -> str:
        blocks = []
        for _ in range(copies):
            term = DefinitionPageFactory(parent=glossary_index)
            other = GuidePageFactory(parent=guide_index)
            searches = [
                {"role": roles[0].pk},
                {"discipline": science.pk},
                {"country": "FR"},
                {"role": roles[1].pk, "discipline": physics.pk},
                {"role": roles[0].pk, "country": "DE", "remote_only": True},
                {"discipline": physics.pk, "country": "FR"},
            ]
            blocks += [
                {"type": "paragraph", "value": f"<p>See {link(term)} and {link(other)}.</p>"},
                {
                    "type": "bullet_list",
                    "value": {"heading": "", "items": [{"label": "", "text": link(other)}]},
                },
                *(
                    {
                        "type": "job_search",
                        "value": {"button_label": "Go", "intro": link(term), **search},
                    }
                    for search in searches
                ),
            ]
        return json.dumps(blocks)

    def statements() -> int:
        with CaptureQueriesContext(connection) as context:
            response = graphql.post(GUIDE_DOCUMENT, {"slug": guide.slug})
        payload = response.json()
        assert response.status_code == 200 and "errors" not in payload, payload
        blocks = payload["data"]["guide"]["body"]
        calls = [block for block in blocks if block["__typename"] == "JobSearchBlock"]
        assert calls and all(call["jobCount"] and call["jobs"] for call in calls), calls
        assert all("<a href=" in call["intro"] for call in calls), calls
        return len(context.captured_queries)

    add_jobs(6)
    guide.body = body(1)
    guide.save()
    statements()  # warm the per-process caches (content types, hidden sections, site root)
    few = statements()
    add_jobs(30)
    guide.body = body(4)
    guide.save()
    statements()
    many = statements()
    assert few == many, (few, many)
