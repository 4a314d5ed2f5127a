#!/usr/bin/env python
"""Where one uncached guide request goes: its statements, their database time, the CPU time of
the request in this process, and (--profile) a cProfile of the project's functions.

    .venv/bin/python bench/profile_guide.py postgres://postgres@127.0.0.1:5432/ajc_ops_scale_100000

The database is one bench/scale.py seeded; the request is its "guide with calls to action"
scenario (the reference frontend's Guide document, for the guide with most calls to action),
sent through /graphql/ in-process with the response cache off, as bench/scale.py sends it.
CPU is `time.thread_time` (the best of five batches), so other load on the machine affects it
little; the database time is the planning and execution time `EXPLAIN ANALYZE` reports for
each statement (the best of three), which no client-side clock includes.
"""

import argparse
import cProfile
import io
import json
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scale  # noqa: E402
from bench.cpu import best_ms  # noqa: E402

SCENARIO = "guide with calls to action"


def database_ms(sql: str) -> float:
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("EXPLAIN ANALYZE " + sql)
            lines = [row[0] for row in cursor.fetchall()]
            times.append(
                sum(
                    float(line.split(": ")[1].split()[0])
                    for line in lines
                    if line.startswith(("Planning Time", "Execution Time"))
                )
            )
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--redis-url")
    parser.add_argument("--profile", action="store_true", help="print a cProfile too")
    args = parser.parse_args()
    scale.setup_django(args.database_url, args.redis_url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    _kind, document, variables = scale.resolve_scenarios()[SCENARIO]
    client = Client(HTTP_HOST="localhost")
    body = json.dumps({"query": document, "variables": variables})

    def request():
        response = client.post("/graphql/", body, content_type="application/json")
        if response.status_code != 200 or b'"errors"' in response.content:
            raise SystemExit(response.content[:500])

    request()  # warm: plans, per-process caches
    with CaptureQueriesContext(connection) as captured:
        request()
    statements = [q["sql"] for q in captured.captured_queries]
    total = 0.0
    for sql in statements:
        if sql.startswith("SELECT"):
            ms = database_ms(sql)
            total += ms
            print(f"{ms:7.2f} ms  {sql[:110]}")
        else:
            print(f"{'':>10}  {sql[:110]}")
    print(f"{len(statements)} statements, {total:.1f} ms in the database (EXPLAIN ANALYZE)")
    print(f"{best_ms(request):.1f} ms CPU a request in this process (best of 5 batches of 10)")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(10):
            request()
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
        stats.print_stats(rf"{ROOT}/(cms|content)", 50)
        print(out.getvalue())


if __name__ == "__main__":
    main()
