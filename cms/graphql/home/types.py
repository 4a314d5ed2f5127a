"""The home page as the public API shows it."""

import graphene
from django.db.models import prefetch_related_objects

from cms.graphql.core.scalars import JSONString
from cms.graphql.pages.types import PageInterface, page_type, prime_pages
from content import jsonld
from content.job_search import JobFilters, search_jobs
from content.models import HomePage
from content.visibility import visible


def prime_home(info, pages: list) -> list:
    prefetch_related_objects(pages, "featured_guide_links__guide")
    return pages


@page_type(HomePage, prime=prime_home)
class HomePageType(graphene.ObjectType):
    """The site's root page: an introduction, guides the editors feature, the newest jobs."""

    class Meta:
        name = "HomePage"
        interfaces = (PageInterface,)

    intro = graphene.String(description="A sentence or two that says what the site offers.")
    featured_guides = graphene.List(
        graphene.NonNull("cms.graphql.guides.types.GuidePageType"),
        required=True,
        description="The guides the editors feature, in their order; public ones only.",
    )
    latest_jobs = graphene.List(
        graphene.NonNull("cms.graphql.jobs.types.JobPostingPageType"),
        required=True,
        description="The newest open jobs, as many as the editors chose (at most 20).",
    )
    json_ld = JSONString(required=True, description="schema.org CollectionPage to embed as is.")

    def resolve_featured_guides(home, info):
        guides = [link.guide for link in home.featured_guide_links.all()]
        return prime_pages(info, visible(guides, info.context))

    def resolve_latest_jobs(home, info):
        # Imported here: at module level it would register the job types before this one
        # and reorder the printed schema.
        from cms.graphql.jobs.types import with_listing_relations

        jobs = with_listing_relations(search_jobs(JobFilters(), request=info.context))
        return prime_pages(info, list(jobs[: home.latest_jobs_count]))

    def resolve_json_ld(home, info):
        return jsonld.collection_page(home, info.context)
