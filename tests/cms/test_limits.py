"""Bounded and well-formed: deep, wide, aliased and malformed requests to the real /graphql/
endpoint are refused with a 4xx and a GraphQL error, before any content is read."""

import json
import logging

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.graphql.http import INTERNAL_ERROR
from cms.graphql.limits import ROOT_FIELD_COST
from tests.content.factories import DisciplineFactory, JobPostingPageFactory

pytestmark = pytest.mark.django_db


def post(graphql, body, content_type="application/json", **extra):
    return graphql.http.post("/graphql/", data=body, content_type=content_type, **extra)


def assert_refused(response, status: int, *words: str) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    message = response.json()["errors"][0]["message"]
    for word in words:
        assert word in message, message
    return message


def page_reads(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "wagtailcore_page" in q["sql"]]


# --- Depth and cost ----------------------------------------------------------------------


def test_deep_query_is_refused_before_it_runs(graphql, job_index):
    deep = "{ pages { " + "children { " * 12 + "title" + " }" * 12 + " } }"
    with CaptureQueriesContext(connection) as ctx:
        response = graphql.post(deep)
    assert_refused(response, 400, "deeper than the limit of 10")
    assert page_reads(ctx) == []


def test_depth_counts_through_fragments_and_survives_cycles(graphql):
    nested = "fragment F on PageInterface { children { ...G } } " + " ".join(
        f"fragment {name} on PageInterface {{ children {{ ...{follow} }} }}"
        for name, follow in [("G", "H"), ("H", "I"), ("I", "J"), ("J", "K"), ("K", "L")]
    )
    nested += " fragment L on PageInterface { children { children { children { title } } } }"
    errors = graphql.errors("{ pages { ...F } } " + nested)
    assert "deeper than the limit" in errors[0]["message"]
    # A fragment cycle is reported by graphql-core's own rule, not a crash.
    cycle = "{ pages { ...A } } fragment A on Page { children { ...B } } " + (
        "fragment B on Page { children { ...A } }"
    )
    assert any("Cannot spread fragment" in e["message"] for e in graphql.errors(cycle))


def test_aliases_of_a_large_list_are_refused_before_execution(graphql, job_index):
    aliased = " ".join(f"a{n}: pages(limit: 100) {{ id }}" for n in range(200))
    with CaptureQueriesContext(connection) as ctx:
        response = graphql.post("{ " + aliased + " }")
    message = assert_refused(response, 400, "Query cost", "exceeds the limit of 20000")
    assert "120200" in message
    assert page_reads(ctx) == []


def test_cost_reads_list_sizes_from_variables(graphql, job_index):
    query = """query($n: Int) {
      pages(limit: $n) { children(limit: $n) { children(limit: $n) { id } } }
    }"""
    assert "Query cost" in graphql.errors(query, {"n": 100})[0]["message"]
    assert graphql.execute(query, {"n": 5})["pages"]


def test_many_cheap_root_fields_are_refused(graphql):
    # Each root field is its own round of queries, so fifty facet counts cost too much.
    aliased = " ".join(f"f{n}: jobFacets {{ total }}" for n in range(50))
    assert "Query cost" in graphql.errors("{ " + aliased + " }")[0]["message"]


def test_an_ordinary_full_page_of_jobs_is_within_the_limits(graphql, job_index):
    JobPostingPageFactory(parent=job_index, disciplines=[DisciplineFactory()])
    data = graphql.execute(
        """{ jobs(perPage: 100) { items {
          id title slug url urlPath department city remotePolicy employmentType contractType
          durationMonths funded fundingDetails startDate closingDate postedAt description
          requirements howToApply applicationUrl applicationEmail reference
          educationRequirement keywords jsonLd
          institution { name slug city websiteUrl kind country { code name } }
          country { code name } role { name slug } disciplines { name slug }
          salary { min max currency period }
        } pagination { total count perPage currentPage totalPages } } }"""
    )
    assert data["jobs"]["pagination"]["total"] == 1


def test_page_size_caps(graphql):
    assert "at most 100" in graphql.errors("{ pages(limit: 101) { id } }")[0]["message"]
    assert "at most 100" in graphql.errors("{ images(limit: 5000) { id } }")[0]["message"]
    assert "perPage" in graphql.errors("{ jobs(perPage: 101) { items { id } } }")[0]["message"]


# --- order -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "order",
    [
        "owner__password",
        "-owner__email",
        "title,owner__is_superuser",
        "locked_by",
        "?",
        "path",
        "content_type__model",
        "title,slug,id,first_published_at",
        "",
    ],
)
def test_order_takes_only_allow_listed_fields(graphql, job_index, order):
    DisciplineFactory()
    for query in (
        "query($o: String) { pages(order: $o) { id } }",
        'query($o: String) { page(slug: "jobs") { children(order: $o) { id } } }',
        "query($o: String) { images(order: $o) { id } }",
    ):
        errors = graphql.errors(query, {"o": order})
        assert "order" in errors[0]["message"].lower(), errors


def test_allowed_orders_work(graphql, job_index):
    JobPostingPageFactory(parent=job_index, title="B job")
    JobPostingPageFactory(parent=job_index, title="A job")
    query = 'query($o: String) { page(slug: "jobs") { children(order: $o) { title } } }'
    for order, expected in [
        ("title", ["A job", "B job"]),
        ("-title", ["B job", "A job"]),
        ("-firstPublishedAt,id", ["A job", "B job"]),
    ]:
        data = graphql.execute(query, {"o": order})
        assert [c["title"] for c in data["page"]["children"]] == expected


# --- Malformed requests --------------------------------------------------------------------


def test_malformed_requests_get_4xx_graphql_errors(graphql):
    cases = [
        (post(graphql, "{not json"), 400, "invalid JSON"),
        (post(graphql, "[1, 2]"), 400, "must be a JSON object"),
        (post(graphql, json.dumps({"query": 5})), 400, "query must be a string"),
        (
            post(graphql, json.dumps({"query": "{ roles { slug } }", "variables": [1]})),
            400,
            "variables must be a JSON object",
        ),
        (post(graphql, json.dumps({"query": "{ x }", "operationName": {}})), 400, "operationName"),
        (post(graphql, json.dumps({})), 400, "Must provide query string"),
        (post(graphql, "{ roles { slug } }", content_type="text/plain"), 415, "application/json"),
        # Found by tests/cms/test_fuzz.py: graphene-django decoded this unguarded, a 500.
        (post(graphql, b"\x80{ roles }", content_type="application/graphql"), 400, "not UTF-8"),
        (
            post(
                graphql,
                "query={ roles { slug } }",
                content_type="application/x-www-form-urlencoded",
            ),
            415,
            "application/json",
        ),
        (post(graphql, json.dumps({"query": "{ roles { slug } "})), 400, "Syntax Error"),
        (
            post(graphql, json.dumps({"query": "{ roles { ...Missing } }"})),
            400,
            "Unknown fragment 'Missing'",
        ),
        (post(graphql, json.dumps({"query": "{ noSuchField }"})), 400, "Cannot query field"),
        (graphql.post("{" + "a{" * 5000 + "b" + "}" * 5001), 400, "nested too deeply"),
        (graphql.post("{" + "a " * 30000 + "}"), 400, "more than 20000 tokens"),
        (graphql.http.get("/graphql/", {"query": "mutation { x }"}), 405, "POST"),
        (graphql.http.put("/graphql/", "{}", content_type="application/json"), 405, "GET and POST"),
        (graphql.http.get("/graphql/"), 400, "Must provide query string"),
    ]
    for response, status, words in cases:
        assert_refused(response, status, words)


def test_standard_validation_rules_still_apply(graphql):
    # Variables of the wrong type, unknown arguments, duplicate operation names.
    assert (
        "got invalid value"
        in graphql.errors("query($n: Int) { pages(limit: $n) { id } }", {"n": "many"})[0]["message"]
    )
    assert "Unknown argument" in graphql.errors("{ roles(bogus: 1) { slug } }")[0]["message"]
    two = "query A { roles { slug } } query A { roles { name } }"
    assert "only one operation named 'A'" in graphql.errors(two)[0]["message"]


def test_body_size_is_capped(graphql, settings):
    settings.GRAPHQL_MAX_BODY_BYTES = 1000
    body = json.dumps({"query": "{ roles { slug } }" + " " * 1000})
    assert_refused(post(graphql, body), 413, "larger than 1000 bytes")
    query = "{ roles { slug } }" + "#" * 1000
    assert_refused(graphql.http.get("/graphql/", {"query": query}), 414, "longer than 1000")
    assert graphql.execute("{ roles { slug } }") == {"roles": []}


def test_get_queries_work(graphql):
    response = graphql.http.get("/graphql/", {"query": "{ roles { slug } }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"roles": []}}


def test_unexpected_resolver_error_is_generic_and_logged(graphql, caplog):
    # An image whose file has gone from storage: Wagtail raises when asked for a rendition.
    image = wagtail_factories.ImageFactory(file__width=1000, file__height=500)
    image.file.storage.delete(image.file.name)
    query = (
        "query($id: ID!) { image(id: $id) { title rendition(width: 640) { url } } roles { id } }"
    )
    with caplog.at_level(logging.ERROR, logger="cms.graphql"):
        response = graphql.post(query, {"id": image.pk})
    assert response.status_code == 200
    payload = response.json()
    [error] = payload["errors"]
    assert (error["message"], error["path"]) == (INTERNAL_ERROR, ["image", "rendition"])
    assert payload["data"] == {"image": {"title": image.title, "rendition": None}, "roles": []}
    assert image.file.name not in response.content.decode()
    assert any(r.exc_info and "rendition" in r.getMessage() for r in caplog.records)


def test_search_is_offered_only_on_searchable_lists(graphql):
    # Found by tests/cms/test_fuzz.py: disciplines are indexed, their querysets not searchable.
    query = '{ disciplines { children(searchQuery: "0") { slug } } }'
    assert "Unknown argument 'searchQuery'" in graphql.errors(query)[0]["message"]


# --- Introspection and GraphiQL --------------------------------------------------------------


def test_introspection_and_graphiql_follow_their_settings(graphql, settings):
    assert graphql.execute("{ __schema { queryType { name } } }")
    assert graphql.http.get("/graphiql/").status_code == 200
    settings.GRAPHQL_ENABLE_INTROSPECTION = False
    settings.GRAPHQL_ENABLE_GRAPHIQL = False
    # (A different query text from the first: the response cache must not answer it.)
    errors = graphql.errors("{ schema: __schema { queryType { name } } }")
    assert "introspection" in errors[0]["message"].lower()
    assert "introspection" in graphql.errors('{ __type(name: "Page") { name } }')[0]["message"]
    assert graphql.execute("{ __typename }") == {"__typename": "Query"}
    assert graphql.http.get("/graphiql/").status_code == 404


def test_only_offered_image_renditions_are_made(graphql, settings):
    image = wagtail_factories.ImageFactory(file__width=1000, file__height=500)
    query = f"""{{ image(id: {image.pk}) {{
        small: rendition(width: 640) {{ width }}
        webp: rendition(width: 640, format: "webp") {{ width }}
    }} }}"""
    assert graphql.execute(query) == {"image": {"small": {"width": 640}, "webp": {"width": 640}}}
    errors = graphql.errors(f"{{ image(id: {image.pk}) {{ rendition(width: 641) {{ url }} }} }}")
    assert "'width-641' is not offered" in errors[0]["message"]
    assert image.renditions.count() == 2


def test_malformed_ids_are_clear_errors(graphql):
    for query in (
        '{ page(id: "abc") { id } }',
        '{ pages(parent: "x") { id } }',
        '{ images(collection: "-1") { id } }',
        '{ image(id: "1.5") { id } }',
        '{ document(id: "²") { title } }',  # found by tests/cms/test_fuzz.py: "²".isdigit()
        '{ page(id: "123456789012345678901234567890") { id } }',
    ):
        errors = graphql.errors(query)
        assert errors[0]["message"].endswith("must be a number."), (query, errors)


def test_nul_characters_are_refused_up_front(graphql, job_index):
    # Found by tests/cms/test_fuzz.py: PostgreSQL refuses NUL in text, deep in a resolver.
    message = graphql.errors('{ jobFacets(search: "a\\u0000b") { total } }')[0]["message"]
    assert message == "Strings cannot contain NUL characters."
    query = "query($s: [String!]) { jobs(roles: $s) { items { id } } }"
    message = graphql.errors(query, {"s": ["x\x00"]})[0]["message"]
    assert message == "Variables cannot contain NUL characters."


def test_media_search_keeps_collections_private(graphql):
    from wagtail.models import Collection, CollectionViewRestriction

    private = Collection.get_first_root_node().add_child(name="Private")
    CollectionViewRestriction.objects.create(collection=private, restriction_type="login")
    wagtail_factories.DocumentFactory(title="Annual report")
    wagtail_factories.DocumentFactory(title="Annual salaries", collection=private)
    wagtail_factories.ImageFactory(title="Annual photo", collection=private)
    data = graphql.execute(
        '{ documents(searchQuery: "annual") { title } images(searchQuery: "annual") { title } }'
    )
    assert data == {"documents": [{"title": "Annual report"}], "images": []}


def test_single_object_fields_need_a_key(graphql):
    assert (
        "argument 'id' of type 'ID!' is required"
        in graphql.errors("{ image { id } }")[0]["message"]
    )
    response = graphql.post("{ page { id } }")
    assert response.status_code == 200
    assert response.json()["errors"][0]["message"] == "Give one of slug, urlPath, id or token."


def test_fragment_bomb_is_measured_without_blowing_up(graphql):
    # Each fragment spreads the next twice: 2**40 copies of `roles`, written in 2 KB.
    bomb = " ".join(f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(40))
    query = "{ ...F0 } " + bomb + " fragment F40 on Query { roles { slug } }"
    message = graphql.errors(query)[0]["message"]
    assert f"Query cost {2**40 * (ROOT_FIELD_COST + 1 + 10)} exceeds" in message
