"""cms.graphql.execution.FastExecutionContext answers exactly as graphql-core's own execution
does: same data, same errors at the same paths, on the real schema and on the corner cases of
its fast path."""

import graphene
import pytest
from django.test import RequestFactory
from graphql import ExecutionContext, execute, parse

from cms.graphql.execution import FastExecutionContext
from cms.graphql.schema import schema
from tests.content.factories import DisciplineFactory, InstitutionFactory, JobPostingPageFactory

pytestmark = pytest.mark.django_db

JOBS = """
query {
  jobs(perPage: 10) {
    items {
      id title slug url urlPath seoTitle firstPublishedAt
      institution { name slug country { code name jobCount } city websiteUrl kind jobCount }
      role { name slug description }
      disciplines { name slug parent { slug } children { slug } }
      country { code name }
      city department remotePolicy employmentType contractType durationMonths funded
      closingDate startDate postedAt keywords description requirements jsonLd
      salary { min max currency period }
    }
    pagination { total count perPage currentPage prevPage nextPage totalPages }
  }
}
"""


def run(graphql_schema, query, context_class, context=None):
    result = execute(
        graphql_schema,
        parse(query),
        context_value=context,
        middleware=[],  # as graphene-django passes it
        execution_context_class=context_class,
    )
    errors = [(error.message, error.path) for error in result.errors or ()]
    return result.data, errors


def test_jobs_page_is_identical_to_graphql_cores(job_index):
    parent = DisciplineFactory(name="Computer Science")
    child = DisciplineFactory(name="Machine Learning", parent=parent)
    JobPostingPageFactory(
        parent=job_index,
        disciplines=[child, parent],
        keywords="ml, vision",
        requirements="<p>A <b>degree</b>.</p>",
    )
    JobPostingPageFactory(
        parent=job_index,
        institution=InstitutionFactory(name="ETH", country="CH", city=""),
        salary_min=None,
        salary_max=None,
        salary_currency="",
        country="DE",
    )
    request = RequestFactory().post("/graphql/")
    graphql_schema = schema.graphql_schema

    fast = run(graphql_schema, JOBS, FastExecutionContext, request)
    slow = run(graphql_schema, JOBS, ExecutionContext, request)

    assert fast == slow
    data, errors = fast
    assert errors == []
    by_institution = {item["institution"]["name"]: item for item in data["jobs"]["items"]}
    assert len(by_institution) == 2
    assert by_institution["ETH"]["salary"] is None
    assert by_institution["ETH"]["country"] == {"code": "DE", "name": "Germany"}


class Thing(graphene.ObjectType):
    name = graphene.String(required=True)
    nickname = graphene.String()
    size = graphene.Int()
    when = graphene.Date()
    parts = graphene.List(graphene.NonNull(lambda: Thing))
    boom = graphene.String()

    def resolve_boom(self, info):
        raise ValueError("boom")


class Query(graphene.ObjectType):
    things = graphene.List(Thing)


def test_nulls_errors_and_bad_values_take_graphql_cores_path():
    rows = [
        {"name": "ok", "nickname": None, "size": 3, "parts": [{"name": "inner", "size": 1}]},
        {"name": None, "size": 1},  # null in a non-null field: the error nulls the item
        {"name": "bad size", "size": "not a number"},  # serialisation error
        {"name": "bad part", "parts": [{"name": None}]},  # propagates up to `parts`
    ]
    toy = graphene.Schema(query=Query).graphql_schema
    query = "{ things { name nickname size when boom parts { name size } } }"

    def both(root_rows):
        toy.query_type.fields["things"].resolve = lambda *_: root_rows
        return [run(toy, query, cls) for cls in (FastExecutionContext, ExecutionContext)]

    fast, slow = both(rows)
    assert fast == slow
    data, errors = fast
    assert data["things"][0] == {
        "name": "ok",
        "nickname": None,
        "size": 3,
        "when": None,
        "boom": None,
        "parts": [{"name": "inner", "size": 1}],
    }
    assert data["things"][1] is None
    assert data["things"][3]["parts"] is None
    messages = {message for message, _path in errors}
    assert "boom" in messages
    assert any("Int cannot represent" in message for message in messages)
