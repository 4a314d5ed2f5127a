"""Guides, glossary and taxonomy through /graphql/, as a frontend would ask for them."""

import datetime as dt
import json

import pytest
from wagtail.models import PageViewRestriction

from tests.content.factories import (
    DefinitionPageFactory,
    DisciplineFactory,
    GuidePageFactory,
    InstitutionFactory,
    JobPostingPageFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

GUIDE = """
query Guide($slug: String) {
  guide(slug: $slug) {
    title slug summary jsonLd
    role { slug } discipline { slug }
    relatedGuides { slug }
    body {
      blockType
      ... on SectionHeadingBlock { text icon anchor level }
      ... on DefinitionListBlock { heading terms { term slug shortDefinition } }
      ... on StatisticBlock { value label source }
      ... on BulletListBlock { items { ... on LabelledItemBlock { label text } } }
      ... on JobSearchBlock { heading role { slug } jobCount jobs(limit: 2) { title } }
    }
  }
}
"""

DEFINITION = """
query Definition($slug: String) {
  definition(slug: $slug) {
    term abbreviation shortDefinition aliases jsonLd
    usedIn { title slug url }
    relatedTerms { slug }
    disciplines { slug }
  }
}
"""


@pytest.fixture
def ml_guide(guide_index, glossary_index, job_index):
    role = RoleFactory(name="PhD", slug="phd")
    ml = DisciplineFactory(name="Machine Learning")
    phd = DefinitionPageFactory(
        parent=glossary_index, term="Doctor of Philosophy", abbreviation="PhD"
    )
    draft = DefinitionPageFactory(parent=glossary_index, term="Draft term", live=False)
    JobPostingPageFactory(parent=job_index, title="ML studentship", role=role, disciplines=[ml])
    JobPostingPageFactory(parent=job_index, title="Other role")
    guide = GuidePageFactory(
        parent=guide_index,
        title="PhD Jobs in Machine Learning",
        slug="phd-jobs-in-machine-learning",
        role=role,
        discipline=ml,
        body=[
            ("heading", {"text": "Definitions", "icon": "📚", "anchor": "", "level": "h2"}),
            ("definition_list", {"heading": "Key terms", "terms": [phd, draft]}),
            (
                "statistic",
                {"value": "80%", "label": "go to industry", "source": "", "source_url": ""},
            ),
            (
                "bullet_list",
                {"heading": "", "items": [{"label": "Programming", "text": "<p>Python</p>"}]},
            ),
            (
                "job_search",
                {
                    "heading": "Browse openings",
                    "intro": "",
                    "button_label": "Go",
                    "role": role,
                    "discipline": None,
                    "country": "",
                    "remote_only": False,
                },
            ),
        ],
    )
    guide.save_revision().publish()
    return guide, phd


def test_guide_exposes_every_block_with_live_data(graphql, ml_guide):
    data = graphql.execute(GUIDE, {"slug": "phd-jobs-in-machine-learning"})["guide"]
    blocks = {block["blockType"]: block for block in data["body"]}
    assert blocks["SectionHeadingBlock"]["anchor"] == "definitions"
    assert blocks["SectionHeadingBlock"]["icon"] == "📚"
    # The draft term is referenced but not live: it is left out.
    assert [t["term"] for t in blocks["DefinitionListBlock"]["terms"]] == ["Doctor of Philosophy"]
    assert blocks["StatisticBlock"]["label"] == "go to industry"
    assert blocks["BulletListBlock"]["items"][0]["label"] == "Programming"
    assert blocks["JobSearchBlock"]["jobCount"] == 1
    assert blocks["JobSearchBlock"]["jobs"] == [{"title": "ML studentship"}]
    assert json.loads(data["jsonLd"])["@type"] == "Article"


def test_definition_knows_which_guides_use_it(graphql, ml_guide):
    data = graphql.execute(DEFINITION, {"slug": "doctor-of-philosophy"})["definition"]
    assert data["usedIn"][0]["slug"] == "phd-jobs-in-machine-learning"
    assert data["abbreviation"] == "PhD"
    assert '"DefinedTerm"' in data["jsonLd"] and '"DefinedTermSet"' in data["jsonLd"]


def test_definitions_listing_filters(graphql, glossary_index):
    for term in ("Deep Learning", "Dissertation", "Neural Network"):
        DefinitionPageFactory(parent=glossary_index, term=term)
    query = """query($s: String, $q: String) { definitions(startsWith: $s, search: $q) {
        items { term } pagination { total } } }"""
    data = graphql.execute(query, {"s": "d"})["definitions"]
    assert [item["term"] for item in data["items"]] == ["Deep Learning", "Dissertation"]
    data = graphql.execute(query, {"q": "neural"})["definitions"]
    assert [item["term"] for item in data["items"]] == ["Neural Network"]


def test_password_protected_and_draft_pages_are_absent_everywhere(graphql, guide_index):
    secret = GuidePageFactory(parent=guide_index, title="Secret guide", slug="secret")
    PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    GuidePageFactory(parent=guide_index, title="Draft guide", slug="draft", live=False)
    GuidePageFactory(parent=guide_index, title="Open guide", slug="open")

    listing = graphql.execute("{ guides { items { slug } pagination { total } } }")["guides"]
    assert [item["slug"] for item in listing["items"]] == ["open"]
    for slug in ("secret", "draft"):
        assert graphql.execute("query($s: String) { guide(slug: $s) { slug } }", {"s": slug}) == {
            "guide": None
        }
        assert graphql.execute("query($s: String) { page(slug: $s) { slug } }", {"s": slug}) == {
            "page": None
        }
    pages = graphql.execute("{ pages(limit: 100) { slug } }")["pages"]
    assert {"secret", "draft"}.isdisjoint({page["slug"] for page in pages})
    found = graphql.execute('{ search(query: "guide") { ... on GuidePage { slug } } }')["search"]
    assert {"secret", "draft"}.isdisjoint({page.get("slug") for page in found})


def test_facets_and_taxonomy_counts(graphql, job_index):
    cs = DisciplineFactory(name="Computer Science")
    ml = DisciplineFactory(name="Machine Learning", parent=cs)
    role = RoleFactory(name="Postdoc", slug="postdoc")
    fr = InstitutionFactory(name="Inria", country="FR")
    JobPostingPageFactory(parent=job_index, disciplines=[ml], role=role, institution=fr)
    JobPostingPageFactory(parent=job_index, disciplines=[cs], role=role)
    JobPostingPageFactory(parent=job_index)

    facets = graphql.execute(
        """{ jobFacets(roles: ["postdoc"]) { total
             disciplines { slug count } roles { slug count } countries { code name count }
             institutions { slug count } } }"""
    )["jobFacets"]
    assert facets["total"] == 2
    assert {d["slug"]: d["count"] for d in facets["disciplines"]} == {
        "computer-science": 2,
        "machine-learning": 1,
    }
    # Roles ignore their own filter so a frontend can offer the alternatives.
    assert sum(r["count"] for r in facets["roles"]) == 3
    assert {c["code"] for c in facets["countries"]} == {"FR", "GB"}

    taxonomy = graphql.execute(
        """{ disciplines { slug jobCount parent { slug } children { slug } }
             roles { slug jobCount } countries { code name jobCount }
             institutions(countries: ["fr"]) { items { slug jobCount country { name } } } }"""
    )
    disciplines = {d["slug"]: d for d in taxonomy["disciplines"]}
    assert disciplines["computer-science"]["jobCount"] == 2
    assert disciplines["machine-learning"]["parent"] == {"slug": "computer-science"}
    assert {"slug": "machine-learning"} in disciplines["computer-science"]["children"]
    assert {r["slug"]: r["jobCount"] for r in taxonomy["roles"]}["postdoc"] == 2
    assert {"code": "FR", "name": "France", "jobCount": 1} in taxonomy["countries"]
    assert taxonomy["institutions"]["items"] == [
        {"slug": "inria", "jobCount": 1, "country": {"name": "France"}}
    ]


def test_call_to_action_blocks_batched_show_each_search_s_own_open_jobs(
    graphql, job_index, guide_index
):
    """The blocks of a page of guides are answered by one batch of searches: each block still
    gets what search_jobs gives for its own criteria, newest first, open jobs only."""
    from content.job_search import JobFilters, search_jobs

    phd, postdoc = RoleFactory(slug="phd"), RoleFactory(slug="postdoc")
    physics = DisciplineFactory(slug="physics")
    optics = DisciplineFactory(slug="optics", parent=physics)
    for _ in range(4):
        JobPostingPageFactory(parent=job_index, role=phd, disciplines=[optics], country="DE")
    JobPostingPageFactory(parent=job_index, role=postdoc, disciplines=[physics], country="FR")
    JobPostingPageFactory(parent=job_index, role=phd, remote_policy="REMOTE", country="FR")
    closed = JobPostingPageFactory(
        parent=job_index, role=phd, disciplines=[optics], closing_date=dt.date(2020, 1, 31)
    )
    searches = [
        ({"role": phd}, JobFilters(roles=["phd"])),
        ({"discipline": physics}, JobFilters(disciplines=["physics"])),
        ({"role": phd, "country": "DE"}, JobFilters(roles=["phd"], countries=["DE"])),
        ({"remote_only": True}, JobFilters(remote="REMOTE")),
        ({"role": postdoc, "country": "DE"}, JobFilters(roles=["postdoc"], countries=["DE"])),
    ]
    for n, (value, _filters) in enumerate(searches):
        block = {"button_label": "Go", "role": None, "discipline": None, **value}
        GuidePageFactory(
            parent=guide_index,
            title=f"Guide {n}",
            body=[("job_search", block)],
        )
    data = graphql.execute(
        """{ guides(perPage: 10) { items { title body {
             ... on JobSearchBlock { jobCount jobs(limit: 3) { id } } } } } }"""
    )
    blocks = {guide["title"]: guide["body"][0] for guide in data["guides"]["items"]}
    for n, (_value, filters) in enumerate(searches):
        expected = list(search_jobs(filters).values_list("pk", flat=True))
        assert closed.pk not in expected
        assert blocks[f"Guide {n}"]["jobCount"] == len(expected), n
        assert [int(job["id"]) for job in blocks[f"Guide {n}"]["jobs"]] == expected[:3], n
