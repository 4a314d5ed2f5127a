"""Nothing unpublished leaks: drafts, expired and closed jobs, password- and login-restricted
pages, pages in unpublished sections and media in private collections are planted, then
looked for through every path of the real /graphql/ endpoint."""

import datetime as dt
import json

import pytest
import wagtail_factories
from django.utils import timezone
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction

from content import open_counts
from content.public_urls import page_url
from tests.content.factories import (
    DefinitionPageFactory,
    GuidePageFactory,
    InstitutionFactory,
    JobPostingPageFactory,
    RoleFactory,
    site_root,
)

pytestmark = pytest.mark.django_db

SECRET = "Secret"  # every planted page's title starts with it; no public one does


@pytest.fixture
def planted(job_index, guide_index, glossary_index):
    """A small site with one of each kind of thing that must stay hidden."""
    home = site_root()
    pages = {
        "home": home,
        "open_job": JobPostingPageFactory(parent=job_index, title="Open job"),
        "draft_job": JobPostingPageFactory(parent=job_index, title="Secret draft job", live=False),
        "closed_job": JobPostingPageFactory(parent=job_index, title="Secret closed job"),
        "password_job": JobPostingPageFactory(parent=job_index, title="Secret password job"),
        "expired_guide": GuidePageFactory(parent=guide_index, title="Secret expired guide"),
        "public_guide": GuidePageFactory(parent=guide_index, title="Public guide"),
        "draft_guide": GuidePageFactory(parent=guide_index, title="Secret draft guide", live=False),
        "term": DefinitionPageFactory(parent=glossary_index, term="Open term"),
        "draft_term": DefinitionPageFactory(
            parent=glossary_index, term="Secret draft term", live=False
        ),
    }
    job_model = type(pages["closed_job"])
    # Closing date passed, the scheduler has not run: expire_at still in the future.
    job_model.objects.filter(pk=pages["closed_job"].pk).update(
        closing_date=timezone.localdate() - dt.timedelta(days=1)
    )
    # Written around the lifecycle, so counted again as the lifecycle counts a change.
    open_counts.recount([pages["closed_job"].pk])
    type(pages["expired_guide"]).objects.filter(pk=pages["expired_guide"].pk).update(
        expire_at=timezone.now() - dt.timedelta(minutes=1)
    )
    PageViewRestriction.objects.create(
        page=pages["password_job"], restriction_type="password", password="hunter2"
    )
    pages["public_guide"].related_guides.set(
        [pages["expired_guide"], pages["draft_guide"], pages["public_guide"]]
    )
    pages["public_guide"].body = json.dumps(
        [
            {
                "type": "definition_list",
                "value": {"heading": "Terms", "terms": [pages["term"].pk, pages["draft_term"].pk]},
            }
        ]
    )
    pages["public_guide"].save()
    pages["term"].related_terms.set([pages["draft_term"]])
    pages["term"].save()
    return pages


@pytest.fixture
def restricted_section(planted, glossary_index):
    """The glossary needs a login; a live term in it must not show."""
    hidden = DefinitionPageFactory(parent=glossary_index, term="Secret members term")
    PageViewRestriction.objects.create(page=glossary_index, restriction_type="login")
    return hidden


@pytest.fixture
def unpublished_section(guide_index):
    """A live guide whose section (the guide index) has been unpublished."""
    guide = GuidePageFactory(parent=guide_index, title="Orphan guide")
    guide_index.title = "Secret unpublished section"
    guide_index.save()
    guide_index.unpublish()
    return guide


def titles(value) -> set[str]:
    """Every `title` (or `term`) anywhere in a response."""
    found = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("title", "term") and isinstance(item, str):
                found.add(item)
            else:
                found |= titles(item)
    elif isinstance(value, list):
        for item in value:
            found |= titles(item)
    return found


def assert_nothing_secret(data):
    leaked = {title for title in titles(data) if title.startswith(SECRET)}
    assert not leaked, leaked
    assert SECRET.lower() not in json.dumps(data).lower()


TREE = "title children(limit: 100) { title } descendants(limit: 100) { title }"


def test_page_lists_and_search_show_only_public_pages(graphql, planted, restricted_section):
    data = graphql.execute(
        f"""{{
          pages(limit: 100) {{ title }}
          searched: pages(searchQuery: "secret", limit: 100) {{ title }}
          found: pages(searchQuery: "open", limit: 100) {{ title }}
          search(query: "secret") {{ ... on PageInterface {{ title }} }}
          jobs(perPage: 100) {{ items {{ title }} }}
          guides(perPage: 100) {{ items {{ title }} }}
          definitions(perPage: 100) {{ items {{ title }} }}
          home: page(id: {planted["home"].pk}) {{ {TREE} }}
        }}"""
    )
    assert_nothing_secret(data)
    assert {"Open job", "Public guide", "Jobs", "Guides"} <= {p["title"] for p in data["pages"]}
    assert data["found"] == [{"title": "Open job"}]


@pytest.mark.parametrize(
    "name", ["draft_job", "closed_job", "password_job", "expired_guide", "draft_guide"]
)
def test_hidden_page_cannot_be_fetched_by_any_key(graphql, planted, name):
    page = planted[name]
    data = graphql.execute(
        """query($id: ID, $slug: String, $path: String) {
          byId: page(id: $id) { title }
          bySlug: page(slug: $slug) { title }
          byPath: page(urlPath: $path) { title }
          job(id: $id) { title }
          guide(slug: $slug) { title }
        }""",
        {"id": page.pk, "slug": page.slug, "path": page.url_path},
    )
    assert data["byId"] is data["bySlug"] is data["byPath"] is None
    assert data["job"] is data["guide"] is None


def test_tree_paths_from_a_public_page_skip_hidden_ones(graphql, planted):
    data = graphql.execute(
        f"""{{ page(id: {planted["open_job"].pk}) {{
            title parent {{ title }}
            siblings(limit: 100) {{ title }}
            nextSiblings(limit: 100) {{ title }}
            previousSiblings(limit: 100) {{ title }}
            ancestors {{ title }}
        }} }}"""
    )
    assert_nothing_secret(data)
    assert data["page"]["parent"] == {"title": "Jobs"}


def test_live_page_in_unpublished_section_is_not_public(graphql, unpublished_section):
    data = graphql.execute(
        f"""{{
          page(id: {unpublished_section.pk}) {{ title }}
          guide(slug: "{unpublished_section.slug}") {{ title }}
          guides {{ items {{ title }} }}
          pages(limit: 100) {{ title }}
          search(query: "orphan") {{ ... on PageInterface {{ title }} }}
        }}"""
    )
    assert data["page"] is data["guide"] is None
    assert data["guides"]["items"] == [] and data["search"] == []
    assert "Orphan guide" not in {page["title"] for page in data["pages"]}
    assert_nothing_secret(data)


def test_login_restricted_section_is_absent(graphql, restricted_section):
    data = graphql.execute(
        f"""{{
          page(id: {restricted_section.pk}) {{ title }}
          definitions(perPage: 100) {{ items {{ title }} }}
          pages(limit: 100) {{ title }}
        }}"""
    )
    assert data["page"] is None
    assert_nothing_secret(data)


def test_choosers_and_related_fields_return_only_public_pages(graphql, planted):
    data = graphql.execute(
        f"""{{
          guide(id: {planted["public_guide"].pk}) {{
            relatedGuides {{ title }}
            body {{ ... on DefinitionListBlock {{ terms {{ term }} }} }}
          }}
          definition(id: {planted["term"].pk}) {{ relatedTerms {{ term }} }}
        }}"""
    )
    assert data["guide"]["relatedGuides"] == [{"title": "Public guide"}]
    assert data["guide"]["body"] == [{"terms": [{"term": "Open term"}]}]
    assert data["definition"]["relatedTerms"] == []


@pytest.mark.parametrize(
    "query",
    [
        "{ redirects { oldPath } }",
        "{ sites { hostname } }",
        "{ snippets { __typename } }",
        "{ collections { name } }",
        "{ tags { name } }",
        "{ images { tags { name } collection { name } } }",
        "{ guides { items { body { rawValue } } } }",
    ],
)
def test_grapple_fields_that_leaked_are_not_in_the_schema(graphql, query):
    """Redirects named hidden pages' URLs, sites listed closed jobs, snippets listed API keys,
    collections and tags named private media, rawValue showed chosen ids: none is offered."""
    assert "Cannot query field" in graphql.errors(query)[0]["message"]


@pytest.mark.parametrize(
    "field",
    [
        "draftTitle",
        "aliasOf { title }",
        "aliases { title }",
        "jobpostingpage { title }",
        "sitesRootedHere { hostname }",
        "latestRevisionCreatedAt",
        "hasUnpublishedChanges",
    ],
)
def test_wagtail_internals_are_not_in_the_schema(graphql, planted, field):
    errors = graphql.errors(f"{{ pages {{ ... on JobPostingPage {{ {field} }} }} }}")
    assert "Cannot query field" in errors[0]["message"]


def test_introspection_shows_no_internals(graphql):
    data = graphql.execute('{ __type(name: "JobPostingPage") { fields { name } } }')
    names = {field["name"] for field in data["__type"]["fields"]}
    assert {"title", "closingDate", "institution", "parent", "children"} <= names
    assert not names & {"draftTitle", "aliasOf", "aliases", "jobpostingpage", "path", "owner"}


@pytest.fixture
def private_media(db):
    root = Collection.get_first_root_node()
    private = root.add_child(name="Private")
    inner = private.add_child(name="Inside private")  # restricted through its parent
    CollectionViewRestriction.objects.create(collection=private, restriction_type="login")
    return {
        "public": wagtail_factories.ImageFactory(title="Public image"),
        "private": wagtail_factories.ImageFactory(title="Secret image", collection=private),
        "inner": wagtail_factories.ImageFactory(title="Secret inner image", collection=inner),
        "doc": wagtail_factories.DocumentFactory(title="Secret doc", collection=inner),
        "public_doc": wagtail_factories.DocumentFactory(title="Public doc"),
    }


def test_private_collection_media_is_absent(graphql, private_media):
    logo_owner = InstitutionFactory(logo=private_media["inner"])
    data = graphql.execute(
        f"""{{
          images(limit: 100) {{ title }}
          documents(limit: 100) {{ title }}
          inner: image(id: {private_media["inner"].pk}) {{ title }}
          doc: document(id: {private_media["doc"].pk}) {{ title }}
          institutions {{ items {{ slug logo {{ title }} }} }}
        }}"""
    )
    assert [image["title"] for image in data["images"]] == ["Public image"]
    assert [doc["title"] for doc in data["documents"]] == ["Public doc"]
    assert data["inner"] is data["doc"] is None
    assert {"slug": logo_owner.slug, "logo": None} in data["institutions"]["items"]
    assert_nothing_secret(data)


# --- Preview tokens --------------------------------------------------------------------


def preview_token(page) -> str:
    return page.create_page_preview().token


def test_preview_token_shows_a_never_published_draft(graphql, job_index):
    draft = JobPostingPageFactory.build(
        title="Unsaved draft job", institution=InstitutionFactory(), role=RoleFactory()
    )
    # What Wagtail's preview-on-create does: a place in the tree, nothing saved.
    draft.depth = job_index.depth + 1
    draft.path = Page._get_children_path_interval(job_index.path)[1]
    token = preview_token(draft)
    assert "page_type=content.JobPostingPage" in token
    data = graphql.execute(
        "query($t: String) { page(token: $t) { title parent { title } } job(token: $t) { title } }",
        {"t": token},
    )
    assert data == {
        "page": {"title": "Unsaved draft job", "parent": {"title": "Jobs"}},
        "job": {"title": "Unsaved draft job"},
    }


def test_preview_token_reads_its_own_page_only(graphql, planted):
    token = preview_token(planted["draft_job"])
    query = """query($t: String) {
        page(token: $t) { title } job(token: $t) { title } guide(token: $t) { title }
    }"""
    assert graphql.execute(query, {"t": token}) == {
        "page": {"title": "Secret draft job"},
        "job": {"title": "Secret draft job"},
        "guide": None,  # a job's token is not a guide's
    }
    other = planted["draft_guide"].pk
    forged = token.replace(f"id={planted['draft_job'].pk}", f"id={other}", 1)
    assert graphql.execute(query, {"t": forged}) == {"page": None, "job": None, "guide": None}
    assert graphql.execute(query, {"t": "id=1:abc:def"})["page"] is None


def test_preview_token_expires(graphql, planted, settings):
    token = preview_token(planted["draft_job"])
    query = "query($t: String) { page(token: $t) { title } job(token: $t) { title } }"
    assert graphql.execute(query, {"t": token})["page"] == {"title": "Secret draft job"}
    settings.PREVIEW_TOKEN_MAX_AGE = -1  # every token is now older than allowed
    assert graphql.execute(query, {"t": token}) == {"page": None, "job": None}


def test_rich_text_links_to_hidden_pages_and_files_have_no_href(graphql, planted, private_media):
    job, draft, guide = planted["open_job"], planted["draft_job"], planted["public_guide"]
    secret_doc, public_doc = private_media["doc"], private_media["public_doc"]
    job.description = (
        f'<p><a linktype="page" id="{draft.pk}">draft</a> and '
        f'<a linktype="page" id="{guide.pk}">guide</a>, '
        f'<a linktype="document" id="{secret_doc.pk}">secret</a> and '
        f'<a linktype="document" id="{public_doc.pk}">public</a></p>'
    )
    job.save()
    data = graphql.execute(f"{{ job(id: {job.pk}) {{ description jsonLd }} }}")
    assert draft.slug not in json.dumps(data)
    assert secret_doc.file.name.split("/")[-1] not in json.dumps(data)
    description = data["job"]["description"]
    assert f'<a href="{page_url(guide)}">guide</a>' in description
    assert f'<a href="{public_doc.url}">public</a>' in description
    assert "<a>draft</a>" in description
    assert "<a>secret</a>" in description


def test_counts_include_only_public_jobs(graphql, planted):
    data = graphql.execute(
        "{ jobFacets { total } roles { jobCount } countries { code jobCount } "
        "institutions { items { jobCount } } }"
    )
    assert data["jobFacets"]["total"] == 1
    assert sorted(role["jobCount"] for role in data["roles"]) == [0, 0, 0, 1]
    assert sum(country["jobCount"] for country in data["countries"]) == 1
    assert sum(item["jobCount"] for item in data["institutions"]["items"]) == 1
