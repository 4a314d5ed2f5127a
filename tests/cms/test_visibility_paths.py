"""Every field of the schema that returns a page, an image or a document goes through
content.visibility. The schema is enumerated: a field added without a probe here fails
`test_every_content_field_has_a_probe`, and each probe looks for planted hidden content
(drafts, closed jobs, restricted pages, pages in an unpublished section, private media)
through the real endpoint."""

import datetime as dt
import json

import pytest
import wagtail_factories
from django.utils import timezone
from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLUnionType, get_named_type
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from cms.graphql.page_types import PAGE_TYPES
from cms.graphql.schema import schema
from content.demo.home import seed_home
from content.models import HomePageFeaturedGuide
from tests.content.factories import (
    DefinitionPageFactory,
    GuidePageFactory,
    InstitutionFactory,
    JobPostingPageFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "Secret"
CONTENT_TYPES = {"ImageObjectType", "DocumentObjectType", "PageInterface", "Search"} | {
    graphql_type._meta.name for graphql_type in PAGE_TYPES
}
# Snippets with no private rows: every discipline, role and institution is public.
TAXONOMY = {"Discipline", "Role", "Institution"}

TREE = (
    "parent {{ title }} children {{ title }} siblings {{ title }} nextSiblings {{ title }} "
    "previousSiblings {{ title }} ancestors {{ title }} descendants {{ title }}"
)
# Field (as Type.field) -> probe query; {name} takes a planted object's id.
PROBES = {
    "Query.page": "{{ a: page(id: {draft_job}) {{ title }}"
    ' b: page(urlPath: "/jobs/{closed_slug}/") {{ title }} }}',
    "Query.pages": "{{ pages(limit: 100) {{ title }}"
    ' s: pages(searchQuery: "secret") {{ title }} }}',
    "Query.search": '{{ search(query: "secret") {{ ... on PageInterface {{ title }} }} }}',
    "Query.job": "{{ a: job(id: {draft_job}) {{ title }} b: job(id: {closed_job}) {{ title }}"
    " c: job(id: {restricted_job}) {{ title }} }}",
    "Query.guide": "{{ guide(id: {draft_guide}) {{ title }} }}",
    "Query.definition": "{{ definition(id: {draft_term}) {{ title }} }}",
    "JobPostingPagePaginated.items": "{{ jobs(perPage: 100) {{ items {{ title }} }} "
    's: jobs(search: "secret") {{ items {{ title }} }} }}',
    "GuidePagePaginated.items": "{{ guides(perPage: 100) {{ items {{ title }} }} }}",
    "DefinitionPagePaginated.items": "{{ definitions(perPage: 100) {{ items {{ title }} }} }}",
    "PageInterface.tree": "{{ page(id: {open_job}) {{ " + TREE + " }} }}",
    "GuidePage.relatedGuides": "{{ guide(id: {guide}) {{ relatedGuides {{ title }} }} }}",
    "DefinitionPage.relatedTerms": "{{ definition(id: {term}) {{ relatedTerms {{ title }} }} }}",
    "DefinitionPage.usedIn": "{{ definition(id: {term}) {{ usedIn {{ title }} }} }}",
    "DefinitionListBlock.terms": "{{ guide(id: {guide}) {{ body {{ ... on DefinitionListBlock"
    " {{ terms {{ title }} }} }} }} }}",
    "JobSearchBlock.jobs": "{{ guide(id: {guide}) {{ body {{ ... on JobSearchBlock"
    " {{ jobCount jobs(limit: 20) {{ title }} }} }} }} }}",
    "CaptionedImageBlock.image": "{{ guide(id: {guide}) {{ body {{ blockType ... on"
    " CaptionedImageBlock {{ image {{ title }} }} }} }} }}",
    "Institution.logo": "{{ institutions(perPage: 100) {{ items {{ logo {{ title }} }} }}"
    " job(id: {open_job}) {{ institution {{ logo {{ title }} }} jsonLd }} }}",
    "Query.home": "{{ home {{ title }} }}",
    "HomePage.featuredGuides": "{{ home {{ featuredGuides {{ title }} }} }}",
    "HomePage.latestJobs": "{{ home {{ latestJobs {{ title }} }} }}",
    "Query.image": "{{ image(id: {private_image}) {{ title }} }}",
    "Query.images": "{{ images(limit: 100) {{ title }} }}",
    "Query.document": "{{ document(id: {private_doc}) {{ title }} }}",
    "Query.documents": '{{ documents(limit: 100) {{ title }} s: documents(searchQuery: "secret")'
    " {{ title }} }}",
}


def content_fields() -> set[str]:
    """Type.field for every field returning content that visibility rules apply to; the
    page interface's tree fields count once, as `PageInterface.tree`."""
    graphql_schema = schema.graphql_schema
    interface = graphql_schema.get_type("PageInterface")
    found = set()
    for type_ in graphql_schema.type_map.values():
        if type_.name.startswith("__") or not isinstance(
            type_, GraphQLObjectType | GraphQLInterfaceType
        ):
            continue
        for name, field in type_.fields.items():
            named = get_named_type(field.type)
            if named.name in TAXONOMY:
                continue
            if named.name not in CONTENT_TYPES and not (
                isinstance(named, GraphQLUnionType) and named.name in CONTENT_TYPES
            ):
                continue
            if name in interface.fields and (type_ is interface or interface in type_.interfaces):
                found.add("PageInterface.tree")
            else:
                found.add(f"{type_.name}.{name}")
    return found


def test_every_content_field_has_a_probe():
    assert content_fields() == set(PROBES)


@pytest.fixture
def planted(job_index, guide_index, glossary_index):
    private = Collection.get_first_root_node().add_child(name="Private")
    CollectionViewRestriction.objects.create(collection=private, restriction_type="login")
    private_image = wagtail_factories.ImageFactory(title="Secret image", collection=private)
    institution = InstitutionFactory(logo=private_image)
    closing_role = RoleFactory(name="Closing role")
    ids = {
        "open_job": JobPostingPageFactory(
            parent=job_index, title="Open job", institution=institution
        ),
        "draft_job": JobPostingPageFactory(parent=job_index, title="Secret draft", live=False),
        "closed_job": JobPostingPageFactory(
            parent=job_index, title="Secret closed job", role=closing_role
        ),
        "restricted_job": JobPostingPageFactory(parent=job_index, title="Secret restricted"),
        "term": DefinitionPageFactory(parent=glossary_index, term="Open term"),
        "draft_term": DefinitionPageFactory(
            parent=glossary_index, term="Secret term", title="Secret term", live=False
        ),
        "guide": GuidePageFactory(parent=guide_index, title="Public guide"),
        "draft_guide": GuidePageFactory(parent=guide_index, title="Secret guide", live=False),
        "private_image": private_image,
        "private_doc": wagtail_factories.DocumentFactory(title="Secret doc", collection=private),
    }
    JobPostingPageFactory._meta.model.objects.filter(pk=ids["closed_job"].pk).update(
        closing_date=timezone.localdate() - dt.timedelta(days=1)
    )
    PageViewRestriction.objects.create(page=ids["restricted_job"], restriction_type="login")
    guide = ids["guide"]
    guide.body = json.dumps(
        [
            {
                "type": "definition_list",
                "value": {"heading": "Terms", "terms": [ids["term"].pk, ids["draft_term"].pk]},
            },
            {"type": "image", "value": {"image": private_image.pk, "alt_text": "x"}},
            {
                "type": "job_search",
                "value": {"heading": "CTA", "button_label": "Go", "role": closing_role.pk},
            },
        ]
    )
    guide.save()
    guide.related_guides.set([ids["draft_guide"]])
    guide.save()
    ids["term"].related_terms.set([ids["draft_term"]])
    ids["term"].save()
    draft_guide = ids["draft_guide"]
    draft_guide.body = json.dumps(
        [{"type": "definition_list", "value": {"heading": "T", "terms": [ids["term"].pk]}}]
    )
    draft_guide.save()
    home = seed_home({})
    HomePageFeaturedGuide.objects.create(page=home, guide=ids["draft_guide"])
    values = {name: obj.pk for name, obj in ids.items()}
    values["closed_slug"] = ids["closed_job"].slug
    return values


@pytest.mark.parametrize("field", sorted(PROBES))
def test_probe_finds_nothing_hidden(graphql, planted, field):
    response = graphql.post(PROBES[field].format(**planted))
    payload = response.json()
    assert response.status_code == 200, payload
    assert "errors" not in payload, payload
    assert SECRET.lower() not in json.dumps(payload["data"]).lower(), payload


def test_a_live_page_under_an_unpublished_section_is_hidden(graphql, job_index, planted):
    job_index.unpublish()
    data = graphql.execute(
        f"{{ job(id: {planted['open_job']}) {{ title }} jobs {{ items {{ title }} }}"
        " pages(limit: 100) { title } }"
    )
    assert data["job"] is None and data["jobs"]["items"] == []
    assert "Open job" not in {page["title"] for page in data["pages"]}
