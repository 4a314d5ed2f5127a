"""Where the CPU time of one GraphQL `jobs` request goes, stage by stage, in-process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ajc_bench \\
        .venv/bin/python bench/profile_jobs.py [--pyinstrument]

Uses the database bench/jobs_api.py seeded (SQLite by default) and bench.settings. Each figure
is the best of five batches of CPU time (time.thread_time), so the machine's other load
affects it little. SQL time spent in a PostgreSQL server process is not counted; on SQLite it
is. --pyinstrument also prints a call tree of whole requests (pip install pyinstrument).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench.sqlite3")
os.environ.setdefault("GRAPHQL_CACHE_SECONDS", "0")

from bench.cpu import best_ms  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pyinstrument", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client, RequestFactory
    from graphql import ExecutionContext, execute, parse, validate

    from bench.endpoints import ENDPOINTS, JOBS_QUERY, PER_PAGE
    from cms.graphql.documents import prepare
    from cms.graphql.execution import FastExecutionContext
    from cms.graphql.limits import measure_request, static_rules
    from cms.graphql.schema import schema

    graphql_schema = schema.graphql_schema
    variables = {"perPage": PER_PAGE}
    document = parse(JOBS_QUERY)
    prepared = prepare(schema, JOBS_QUERY)
    operation = prepared.document.definitions[0]
    client = Client(HTTP_HOST="127.0.0.1")

    def request(endpoint):
        if endpoint.method == "POST":
            return client.post(endpoint.path, data=endpoint.body, content_type="application/json")
        return client.get(endpoint.path)

    # The same query with one field the listing's projection does not plan for
    # (cms/graphql/jobs/listing.py): the page is built as models.
    model_document = parse(JOBS_QUERY.replace("title slug url", "title slug url pageType"))

    def run(context_class, document=document):
        return execute(
            graphql_schema,
            document,
            context_value=RequestFactory().post("/graphql/"),
            variable_values=variables,
            execution_context_class=context_class,
        )

    def sql_ms() -> float:
        """Time spent inside database calls during one execution (wall time)."""
        spent = [0.0]

        def timed(execute_sql, sql, params, many, context):
            start = time.perf_counter()
            try:
                return execute_sql(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - start

        best = float("inf")
        for _ in range(5):
            spent[0] = 0.0
            with connection.execute_wrapper(timed):
                run(FastExecutionContext)
            best = min(best, spent[0])
        return best * 1000

    data = run(FastExecutionContext).data
    stages = {
        "whole request, graphql": best_ms(lambda: request(ENDPOINTS[0])),
        "whole request, rest_v2": best_ms(lambda: request(ENDPOINTS[1])),
        "whole request, floor": best_ms(lambda: request(ENDPOINTS[2])),
        "parse (first time; later requests take it from the LRU)": best_ms(
            lambda: parse(JOBS_QUERY)
        ),
        "validate (first time; cached with the parse)": best_ms(
            lambda: validate(graphql_schema, document, static_rules())
        ),
        "parse + validate from the LRU": best_ms(lambda: prepare(schema, JOBS_QUERY)),
        "depth, cost, argument bounds": best_ms(
            lambda: measure_request(prepared, operation, variables)
        ),
        "execute, FastExecutionContext": best_ms(lambda: run(FastExecutionContext)),
        "execute, graphql-core ExecutionContext": best_ms(lambda: run(ExecutionContext)),
        "execute, FastExecutionContext, model path (+ pageType)": best_ms(
            lambda: run(FastExecutionContext, model_document)
        ),
        "  of which SQL (wall time in database calls)": sql_ms(),
        "JSON encoding of the answer": best_ms(lambda: json.dumps({"data": data})),
    }
    width = max(len(name) for name in stages)
    for name, ms in stages.items():
        print(f"{name:{width}}  {ms:7.2f} ms")

    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(20):
                request(ENDPOINTS[0])
        print(profiler.output_text(color=False))


if __name__ == "__main__":
    main()
