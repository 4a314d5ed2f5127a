"""Prepare one database for the benchmark and check the endpoints before timing them.

Run by bench/jobs_api.py in a child process (DJANGO_SETTINGS_MODULE=bench.settings and the
database's DATABASE_URL): migrates, seeds the demo content up to --jobs, then requests each
endpoint once through Django's test client, checks that all three list the same jobs with the
same values, and counts their SQL queries. Prints one JSON object on stdout.
"""

import argparse
import json
import sys

import django
from django.core.management import call_command


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, required=True)
    args = parser.parse_args()
    django.setup()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.endpoints import ENDPOINTS, PER_PAGE, normalised
    from content.models import JobPostingPage

    call_command("migrate", interactive=False, verbosity=0)
    if JobPostingPage.objects.count() < args.jobs:
        # Progress goes to stderr so stdout stays one JSON document.
        call_command("seed_demo", jobs=args.jobs, stdout=sys.stderr)

    # Fresh planner statistics and, on PostgreSQL, a visibility map, as a database that has
    # been running has (a bulk seed leaves PostgreSQL guessing 150 rows for 10,000 and
    # choosing nested loops, and unable to count from the covering indexes alone until
    # autovacuum has passed).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    client = Client(HTTP_HOST="127.0.0.1")
    answers, queries = {}, {}
    for endpoint in ENDPOINTS:
        # The second request is the one counted: the first also fills per-process caches
        # (content types, site root paths) as any server's first request does.
        _request(client, endpoint)
        with CaptureQueriesContext(connection) as captured:
            response = _request(client, endpoint)
        if response.status_code != 200:
            sys.exit(f"{endpoint.name}: HTTP {response.status_code}: {response.content[:500]!r}")
        answers[endpoint.name] = normalised(endpoint.name, response.json())
        queries[endpoint.name] = len(captured.captured_queries)

    reference_total, reference_items = answers["graphql"]
    if len(reference_items) != PER_PAGE:
        sys.exit(f"graphql listed {len(reference_items)} jobs, not {PER_PAGE}: seed more jobs")
    for name, (total, items) in answers.items():
        if (total, items) != (reference_total, reference_items):
            diff = next(
                (pair for pair in zip(items, reference_items, strict=False) if pair[0] != pair[1]),
                None,
            )
            sys.exit(f"{name} differs from graphql (total {total} vs {reference_total}): {diff}")

    json.dump(
        {
            "jobs_in_db": JobPostingPage.objects.count(),
            "open_jobs": reference_total,
            "sql_queries": queries,
            "vendor": connection.vendor,
            "server_version": _server_version(connection),
        },
        sys.stdout,
    )


def _request(client, endpoint):
    if endpoint.method == "POST":
        return client.post(endpoint.path, data=endpoint.body, content_type="application/json")
    return client.get(endpoint.path)


def _server_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("show server_version")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
