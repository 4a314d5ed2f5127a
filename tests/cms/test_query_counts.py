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
