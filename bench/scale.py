#!/usr/bin/env python
"""Filtered and searched `jobs` queries at 10,000 and 100,000 jobs on PostgreSQL.

    .venv/bin/python bench/scale.py                      # 10k and 100k, writes docs/benchmarks.md
    .venv/bin/python bench/scale.py --sizes 2000 --no-write   # a quick look

Each size has its own database (`<prefix>_<size>`), migrated and seeded with
`seed_demo --jobs N` when it holds fewer jobs, then VACUUM ANALYZEd, and is measured in a
process of its own: every scenario is sent through the real /graphql/ endpoint in-process
(response cache off, so the work is timed). The SQL each scenario runs on the jobs tables is
captured and run again under `EXPLAIN (ANALYZE, BUFFERS)`: the report lists the indexes the
plans use and any sequential scan of a large table, with the full plans at the largest size.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_heading_section  # noqa: E402

DEFAULT_DB_PREFIX = "postgres://postgres@127.0.0.1:5432/ajc_ops_scale"
RESULTS = ROOT / "bench" / "results"
SECTION = "Jobs at scale (PostgreSQL)"
LARGE_TABLES = ("wagtailcore_page", "content_jobpostingpage", "content_jobpostingpage_disciplines")
LARGE_TABLES += ("wagtailsearch_indexentry",)

FIELDS = "items { title slug institution { name } role { name } disciplines { name } } " + (
    "pagination { total }"
)
SCENARIOS = {
    "newest, no filter": ("jobs(perPage: 20)", {}),
    "country": ('jobs(countries: ["DE"], perPage: 20)', {}),
    "discipline (with descendants)": ('jobs(disciplines: ["computer-science"], perPage: 20)', {}),
    "role + remote": ('jobs(roles: ["postdoc"], remote: HYBRID, perPage: 20)', {}),
    "funded, closing soon": ("jobs(fundedOnly: true, order: CLOSING_SOON, perPage: 20)", {}),
    "search": ('jobs(search: "machine learning", perPage: 20)', {}),
    "search + country, relevance": (
        'jobs(search: "neuroscience", countries: ["GB"], order: RELEVANCE, perPage: 20)',
        {},
    ),
    "page 50 of newest": ("jobs(page: 50, perPage: 20)", {}),
}


def setup_django(database_url: str, redis_url: str | None) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory
    os.environ["GRAPHQL_CACHE_SECONDS"] = "0"
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    import django

    django.setup()


def ensure_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(jobs: int) -> float | None:
    """Seed up to `jobs` if the database has fewer (seconds taken, None if nothing to do),
    then VACUUM ANALYZE: a database that has been running has statistics and a visibility
    map (which index-only scans need); a freshly bulk-loaded one has neither."""
    from django.core.management import call_command
    from django.db import connection

    from content.models import JobPostingPage

    seconds = None
    if JobPostingPage.objects.count() < jobs:
        started = time.perf_counter()
        call_command("seed_demo", jobs=jobs, stdout=sys.stderr)
        seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return seconds


def run_query(client, field: str, fields: str = FIELDS) -> tuple[float, list[str], dict]:
    """One uncached request through /graphql/: milliseconds, the SQL it ran, its data."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    body = json.dumps({"query": "{ " + field + " { " + fields + " } }"})
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.post("/graphql/", body, content_type="application/json")
        elapsed = (time.perf_counter() - started) * 1000
    payload = response.json()
    if response.status_code != 200 or "errors" in payload:
        raise SystemExit(f"{field} failed: {payload}")
    return elapsed, [q["sql"] for q in captured.captured_queries], payload["data"]


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def plan_summary(plan: str) -> tuple[list[str], list[str]]:
    """(indexes used, large tables read by a sequential scan)."""
    indexes = sorted(set(re.findall(r"Index (?:Only )?Scan (?:Backward )?using (\S+)", plan)))
    indexes += sorted(set(re.findall(r"Bitmap Index Scan on (\S+)", plan)) - set(indexes))
    seq = sorted({t for t in re.findall(r"Seq Scan on (\S+)", plan) if t in LARGE_TABLES})
    return indexes, seq


def measure(size: int, repeats: int) -> dict:
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    results = {}
    for name, (field, _vars) in SCENARIOS.items():
        run_query(client, field)  # warm: connections, caches, plans
        timings, statements = [], []
        for _ in range(repeats):
            elapsed, statements, _data = run_query(client, field)
            timings.append(elapsed)
        job_sql = [s for s in statements if "content_jobpostingpage" in s]
        plans = [explain(s) for s in job_sql]
        summaries = [plan_summary(p) for p in plans]
        results[name] = {
            "field": field,
            "median_ms": statistics.median(timings),
            "max_ms": max(timings),
            "sql_queries": len(statements),
            "db_ms": sum(
                float(m) for p in plans for m in re.findall(r"Execution Time: ([\d.]+)", p)
            ),
            "indexes": sorted({i for s in summaries for i in s[0]}),
            "seq_scans": sorted({t for s in summaries for t in s[1]}),
            "plans": [{"sql": s, "plan": p} for s, p in zip(job_sql, plans, strict=True)],
        }
        print(
            f"{size:>7} {name:<32} {results[name]['median_ms']:8.1f} ms "
            f"db {results[name]['db_ms']:7.1f} ms  seq={results[name]['seq_scans']}",
            file=sys.stderr,
        )
    return results


def machine() -> str:
    import platform

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"{os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL {version}"


INDEX_NOTES = [
    "Which index serves what. Counting the open jobs (every listing's `total`) is an "
    "index-only scan of two covering indexes from migration content 0005: "
    "`job_open_cover_idx` (closing date, with the filtered columns: country, role, "
    "institution, remote policy, employment type, funded) and `content_live_page_cover_idx` "
    "(live pages, with `expire_at`). Newest-first pages walk the index on "
    "`wagtailcore_page.first_published_at` backwards and stop after 20 matches; disciplines "
    "use the through table's `discipline_id` index. Search uses the GIN expression index "
    "`content_search_title_body_gin` on Wagtail's index entries (Wagtail's own GIN indexes "
    "are on `title` and `body` separately, which its `(title || body) @@ query` cannot use) "
    "and `job_page_id_text_idx` to join the matches to their jobs (the join compares "
    "`object_id` with `page_ptr_id::varchar`), both from migration content 0004.",
    "",
    "Before these indexes (a first run on the same machine, then busier, with ANALYZE but "
    "no VACUUM, so only roughly comparable; 100,000 jobs): the unfiltered count read every "
    "job and page row (~200 ms of SQL), the country filter took 186 ms end to end, a search "
    "520 ms (every index entry read), search + country 311 ms. What still grows with size "
    "is the "
    'count itself: it visits every matching job ("machine learning" matches about 11,700 '
    "of 100,000), so time follows the number of matches rather than the size of the table, "
    "and selective filters grow least (role + remote: 8 to 18 ms). The response cache "
    "(load test below) answers repeated queries without SQL at all.",
]


def render(
    runs: dict[int, dict], seed_seconds: dict[int, float | None], command: str, machine: str
) -> str:
    sizes = sorted(runs)
    lines = [
        f"## {SECTION}",
        "",
        f"Command: `{command}` ({machine}, {time.strftime('%Y-%m-%d')}).",
        "",
        "Each `jobs` query is sent through `/graphql/` in-process with the response cache off "
        "(20 items with institution, role and disciplines, plus the total). Median of the "
        "repeats, in milliseconds, end to end (GraphQL included); *db* is the summed "
        "`EXPLAIN ANALYZE` execution time of the SQL that touches the jobs tables.",
        "",
        "| scenario | "
        + " | ".join(f"{s:,} jobs" for s in sizes)
        + " | growth | SQL | indexes used "
        f"at {sizes[-1]:,} | seq scans of large tables |",
        "| --- | " + " | ".join("---:" for _ in sizes) + " | ---: | ---: | --- | --- |",
    ]
    last = runs[sizes[-1]]
    for name in SCENARIOS:
        cells = [
            f"{runs[s][name]['median_ms']:.1f} (db {runs[s][name]['db_ms']:.1f})" for s in sizes
        ]
        growth = runs[sizes[-1]][name]["median_ms"] / runs[sizes[0]][name]["median_ms"]
        lines.append(
            f"| {name} | "
            + " | ".join(cells)
            + f" | x{growth:.2f} | {last[name]['sql_queries']} | "
            + (", ".join(f"`{i}`" for i in last[name]["indexes"]) or "none")
            + " | "
            + (", ".join(last[name]["seq_scans"]) or "none")
            + " |"
        )
    lines += ["", *INDEX_NOTES]
    lines += [
        "",
        "One database per size, seeded with `seed_demo --jobs N` (bulk insert plus search "
        "index; "
        + ", ".join(
            f"{s:,}: {seed_seconds[s]:.0f} s" if seed_seconds[s] else f"{s:,}: seeded earlier"
            for s in sizes
        )
        + "), then `VACUUM ANALYZE`.",
        "",
        f"<details><summary>EXPLAIN (ANALYZE, BUFFERS) at {sizes[-1]:,} jobs</summary>",
        "",
    ]
    for name in SCENARIOS:
        lines.append(f"**{name}**: `{last[name]['field']}`")
        lines.append("")
        for entry in last[name]["plans"]:
            lines += ["```", entry["plan"], "```", ""]
    lines += ["</details>", ""]
    return "\n".join(lines)


def measure_one(args) -> None:
    """In a process of its own (Django is set up once per database): seed, then measure."""
    setup_django(args.database_url, args.redis_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed_seconds = seed(args.one)
    result = {
        "seed_seconds": seed_seconds,
        "machine": machine(),
        "runs": measure(args.one, args.repeats),
    }
    (RESULTS / f"scale-{args.one}.json").write_text(json.dumps(result, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--database-prefix",
        default=os.environ.get("BENCH_DATABASE_PREFIX", DEFAULT_DB_PREFIX),
        help="one database per size: <prefix>_<size>, created and seeded if needed",
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--report-only", action="store_true", help="render the last results again, measure nothing"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.one:
        measure_one(args)
        return
    if not args.database_prefix.startswith("postgres"):
        raise SystemExit("This benchmark is about PostgreSQL's plans: give a postgres:// URL.")
    runs, seed_seconds, machines = {}, {}, set()
    for size in sorted(args.sizes):
        url = f"{args.database_prefix}_{size}"
        if not args.report_only:
            ensure_database(url)
            child = [sys.executable, __file__, "--one", str(size), "--database-url", url]
            child += ["--repeats", str(args.repeats)]
            if args.redis_url:
                child += ["--redis-url", args.redis_url]
            subprocess.run(child, check=True)
        result = json.loads((RESULTS / f"scale-{size}.json").read_text())
        runs[size], seed_seconds[size] = result["runs"], result["seed_seconds"]
        machines.add(result["machine"])
    measured = [arg for arg in sys.argv[1:] if arg != "--report-only"]
    command = "python bench/scale.py " + " ".join(measured)
    text = render(runs, seed_seconds, command.strip(), " / ".join(sorted(machines)))
    if args.no_write:
        print(text)
    else:
        write_heading_section(f"## {SECTION}", text)
        print(f"wrote the '{SECTION}' section of docs/benchmarks.md", file=sys.stderr)


if __name__ == "__main__":
    main()
