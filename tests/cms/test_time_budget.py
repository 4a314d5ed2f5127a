"""A time budget per request, not per statement (cms/graphql/limits.py): one deadline when
the request is read, and each SQL statement gets only what remains of it. The clock is the
test's own, advanced by statements; nothing here reads or asserts wall-clock time."""

import pytest
from django.db import connection

from cms.graphql import limits
from cms.graphql.limits import Deadline, ExecutionLimitExceeded, time_budget
from tests.content.factories import DisciplineFactory

pytestmark = pytest.mark.django_db

# A search page's counts: the facets (one statement) and the taxonomy's live counts (one
# statement per list and dimension), so several statements share one request.
FACETS = """{ jobFacets { total disciplines { slug } roles { slug } countries { code } }
    disciplines { slug jobCount } roles { slug jobCount } countries { code jobCount } }"""


class Clock:
    def __init__(self):
        self.now = 1000.0
        self.step = 0.0  # added at every look (a statement running while time passes)

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(limits, "CLOCK", clock)
    return clock


def test_statements_share_the_request_budget(graphql, job_index, clock, settings):
    """The review's case: a request of several statements (jobFacets ran five), each once
    allowed the full 3 s (two requests took 9 s). Here each statement takes 1 s of the
    test's clock: the third finds the 3 s spent and the request is a clear 503."""
    settings.GRAPHQL_MAX_SECONDS = 3
    ran = []

    def one_second_each(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):  # not PostgreSQL's SAVEPOINTs
            clock.now += 1
            ran.append(sql)
        return result

    with connection.execute_wrapper(one_second_each):
        response = graphql.post(FACETS)
    assert response.status_code == 503, response.content
    assert response.json() == {
        "errors": [{"message": "The query took longer than 3 s; ask for fewer items or fields."}]
    }
    assert len(ran) == 3
    # With time to spare, the same request runs every statement.
    settings.GRAPHQL_MAX_SECONDS = 60
    ran.clear()
    with connection.execute_wrapper(one_second_each):
        assert graphql.post(FACETS).status_code == 200
    assert len(ran) > 3


def test_the_budget_starts_when_the_request_is_read(
    graphql, job_index, clock, settings, monkeypatch
):
    """Time spent before execution (reading, parsing, the cache) counts too."""
    from cms.graphql import request as graphql_request

    settings.GRAPHQL_MAX_SECONDS = 3
    prepare = graphql_request.prepare

    def slow_prepare(*args):
        clock.now += 3
        return prepare(*args)

    monkeypatch.setattr(graphql_request, "prepare", slow_prepare)
    assert graphql.post(FACETS).status_code == 503


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's progress handler")
def test_a_long_sqlite_statement_is_interrupted_at_the_deadline():
    ticks = Clock()

    def ticking() -> float:  # half a second more at every look
        ticks.now += 0.5
        return ticks.now

    counting = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
        "SELECT count(*) FROM n"
    )
    # The statement starts with half a second left; the progress handler's first look
    # finds none and interrupts it.
    deadline = Deadline(1, clock=ticking)
    with pytest.raises(ExecutionLimitExceeded), time_budget(deadline), connection.cursor() as c:
        c.execute(counting)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement_timeout")
def test_each_postgresql_statement_gets_what_remains(clock):
    deadline = Deadline(3)
    seen = []
    with time_budget(deadline), connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT current_setting('statement_timeout')")
            seen.append(cursor.fetchone()[0])
            clock.now += 1.25
        with pytest.raises(ExecutionLimitExceeded):
            cursor.execute("SELECT 1")  # 3.75 s spent: refused before it is sent
    assert seen == ["3s", "1750ms", "500ms"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement_timeout")
def test_a_long_postgresql_statement_is_cancelled_at_the_deadline():
    # Cancelled by PostgreSQL itself (statement_timeout), not by a look at the clock.
    deadline = Deadline(0.2)
    with pytest.raises(ExecutionLimitExceeded), time_budget(deadline), connection.cursor() as c:
        c.execute("SELECT pg_sleep(30)")


# --- Lists priced at what they can return; bounds through variable defaults --------------


def cost_of(graphql, query: str) -> int:
    """The cost the limit reports, read by asking with a limit of 1."""
    return int(graphql.errors(query)[0]["message"].split()[2])


def test_unsized_lists_are_priced_at_what_they_return(graphql, settings):
    settings.GRAPHQL_MAX_COST = 1
    # A tree field without `limit` returns up to 100 pages; `search` 50; `usedIn` 100.
    assert cost_of(graphql, "{ pages { children { id } } }") == 500 + 1 + 100 * (1 + 100)
    assert cost_of(graphql, '{ search(query: "x") { __typename } }') == 500 + 1 + 50
    used_in = '{ definition(slug: "x") { usedIn { title } } }'
    assert cost_of(graphql, used_in) == 500 + 1 + 1 + 100


@pytest.mark.parametrize(
    "query",
    [
        "query($n: Int = 1000) { jobs(perPage: $n) { items { id } } }",
        "query($n: Int = 101) { pages(limit: $n) { id } }",
        "query($p: Int = -1) { jobs(page: $p) { items { id } } }",
    ],
)
def test_bounds_given_as_variable_defaults_are_refused(graphql, query):
    response = graphql.post(query)
    assert response.status_code == 400, response.content
    assert "must be at least" in response.json()["errors"][0]["message"]
    # A value sent for the variable is what counts.
    assert graphql.post(query, {"n": 5, "p": 1}).status_code == 200


def test_a_variable_default_is_priced_as_given(graphql, settings):
    settings.GRAPHQL_MAX_COST = 1
    assert cost_of(graphql, "query($n: Int = 3) { pages(limit: $n) { id } }") == 500 + 1 + 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's progress handler")
def test_a_sqlite_mutation_past_the_budget_is_the_same_503(graphql, clock, settings, monkeypatch):
    """SQLite steps through a statement's rows after Django's execute (and its budget wrapper)
    has returned, as the rows are fetched: the progress handler interrupting it there raised a
    plain database error, answered as a resolver's "Internal error" in a 200. It is the
    budget's 503, as for a query."""
    settings.GRAPHQL_MAX_SECONDS = 3
    monkeypatch.setattr(limits, "SQLITE_STEPS", 1)  # look at the clock at every VM step
    armed = []

    def run_out_while_fetching(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("SELECT") and not armed:
            # The statement started in time; the budget runs out as its rows are read.
            armed.append(sql)
            clock.now += 2.9
            clock.step = 0.05
        return result

    for slug in ("physics", "chemistry", "biology"):
        DisciplineFactory(slug=slug)
    subscribe = (
        'mutation { subscribe(email: "a@example.org", alert: {frequency: DAILY, '
        'disciplines: ["physics", "chemistry", "biology"]}) { ok message } }'
    )
    with connection.execute_wrapper(run_out_while_fetching):
        response = graphql.post(subscribe)
    assert armed
    assert response.status_code == 503, response.content
    assert response.json() == {
        "errors": [{"message": "The query took longer than 3 s; ask for fewer items or fields."}]
    }
