#!/usr/bin/env python
"""Every query of the contract at 100,000 and 1,000,000 jobs on PostgreSQL, p50 and p95.

    .venv/bin/python bench/scale.py --sizes 100000 1000000     # prints the report
    .venv/bin/python bench/scale.py --sizes 2000 --repeats 5   # a quick look
    .venv/bin/python bench/scale.py --sizes 100000 1000000 --write   # docs/benchmarks.md

Each size has its own database (`<prefix>_<size>`), migrated and seeded by the product
(`seed_demo --jobs TEMPLATE_JOBS`) when it holds fewer jobs, then grown with PostgreSQL's
bulk paths (bench/bulk_seed.py: a million jobs in minutes), then VACUUM ANALYZEd. Each size is
measured in a process of its own: every scenario is sent through the real /graphql/
endpoint in-process (response cache off, so the work is timed), first by one client (p50
and p95 of --repeats requests), then by 8 concurrent clients (8 processes, each with its
own connection). The SQL each scenario runs on the jobs tables is captured and run again
under `EXPLAIN (ANALYZE, BUFFERS)`: the report lists the indexes the plans use and any
sequential scan of a large table. The `job`, guide and taxonomy documents are the
reference frontend's (frontend/src/gql/persisted-documents.json, from `npm run codegen`).
"""

import argparse
import contextlib
import json
import math
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import load_average, write_heading_section  # noqa: E402

DEFAULT_DB_PREFIX = "postgres://postgres@127.0.0.1:5432/ajc_ops_scale"
RESULTS = ROOT / "bench" / "results"
MANIFEST = ROOT / "frontend" / "src" / "gql" / "persisted-documents.json"
SECTION = "Jobs at scale (PostgreSQL)"
TEMPLATE_JOBS = 10_000
CLIENTS = 8
LARGE_TABLES = ("wagtailcore_page", "content_jobpostingpage", "content_jobpostingpage_disciplines")
LARGE_TABLES += ("wagtailsearch_indexentry", "content_countedjob")

FIELDS = "items { title slug institution { name } role { name } disciplines { name } } " + (
    "pagination { total }"
)
FACET_FIELDS = (
    "total disciplines { slug count } roles { slug count } countries { code count } "
    "institutions { slug count }"
)
# Targets (p95, ms) by kind of scenario; and the most a scenario may grow from the
# smallest size to the largest.
TARGETS = {"listing": 50, "job": 50, "facets": 150, "guide": 50, "taxonomy": 50}
GROWTH_TARGET = 1.5


def _jobs(arguments: str) -> tuple[str, str, dict]:
    return ("listing", "{ jobs(" + arguments + ") { " + FIELDS + " } }", {})


def _facets(arguments: str = "") -> tuple[str, str, dict]:
    field = f"jobFacets({arguments})" if arguments else "jobFacets"
    return ("facets", "{ " + field + " { " + FACET_FIELDS + " } }", {})


# name: (kind, document or "operation:<name>" of the frontend's manifest, variables)
SCENARIOS = {
    "newest, no filter": _jobs("perPage: 20"),
    "country": _jobs('countries: ["DE"], perPage: 20'),
    "role": _jobs('roles: ["postdoc"], perPage: 20'),
    "institution": _jobs('institutions: ["university-of-toronto"], perPage: 20'),
    "remote": _jobs("remote: HYBRID, perPage: 20"),
    "funded, closing soon": _jobs("fundedOnly: true, order: CLOSING_SOON, perPage: 20"),
    "discipline (with descendants)": _jobs('disciplines: ["computer-science"], perPage: 20'),
    "search": _jobs('search: "machine learning", perPage: 20'),
    "search + filters, relevance": _jobs(
        'search: "neuroscience", countries: ["GB"], roles: ["postdoc"], order: RELEVANCE, '
        "perPage: 20"
    ),
    "page 50 of newest": _jobs("page: 50, perPage: 20"),
    "page 500 of newest": _jobs("page: 500, perPage: 20"),
    "job": ("job", "operation:Job", {"slug": None}),
    "jobFacets, no filter": _facets(),
    "jobFacets, country + role": _facets('countries: ["DE"], roles: ["postdoc"]'),
    "jobFacets, search": _facets('search: "machine learning"'),
    "jobFacets, search + country": _facets('search: "neuroscience", countries: ["GB"]'),
    "guide with calls to action": ("guide", "operation:Guide", {"slug": None}),
    "taxonomy with counts": ("taxonomy", "operation:Taxonomy", {}),
}


def frontend_document(operation: str) -> str:
    if not MANIFEST.exists():
        raise SystemExit(f"{MANIFEST} is missing: run `npm run codegen` in frontend/ first.")
    for text in json.loads(MANIFEST.read_text()).values():
        if re.search(rf"\bquery {operation}\b", text):
            return text
    raise SystemExit(f"no query {operation} in {MANIFEST}")


def resolve_scenarios() -> dict[str, tuple[str, str, dict]]:
    """The documents, with the slugs of a real job and of the guide with most calls to
    action (the frontend's documents take them as variables)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.slug FROM wagtailcore_page p JOIN content_jobpostingpage j "
            "ON j.page_ptr_id = p.id WHERE p.live ORDER BY p.path LIMIT 1 OFFSET 100"
        )
        job = cursor.fetchone()[0]
        cursor.execute(
            "SELECT p.slug FROM wagtailcore_page p JOIN content_guidepage g "
            "ON g.page_ptr_id = p.id WHERE p.live ORDER BY (SELECT count(*) FROM "
            "jsonb_array_elements(g.body::jsonb) b WHERE b->>'type' = 'job_search') DESC "
            "LIMIT 1"
        )
        guide = cursor.fetchone()[0]
    slugs = {"job": job, "guide": guide}
    resolved = {}
    for name, (kind, document, variables) in SCENARIOS.items():
        if document.startswith("operation:"):
            document = frontend_document(document.split(":", 1)[1])
        if "slug" in variables:
            variables = {**variables, "slug": slugs[kind]}
        resolved[name] = (kind, document, variables)
    return resolved


def setup_django(database_url: str, redis_url: str | None) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory
    os.environ["GRAPHQL_CACHE_SECONDS"] = "0"
    # The whole time of a slow query, rather than the 3-s budget's refusal.
    os.environ["GRAPHQL_MAX_SECONDS"] = "120"
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    import logging

    import django

    django.setup()
    logging.getLogger("cms.graphql.requests").setLevel(logging.WARNING)  # a line a request


def ensure_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(jobs: int) -> float | None:
    """Seed up to `jobs` if the database has fewer (seconds taken, None if nothing to do):
    the product's own `seed_demo` up to TEMPLATE_JOBS, then copies of those with the bulk
    paths (bench/bulk_seed.py); then VACUUM ANALYZE: a database that has been running has
    statistics and a visibility map (which index-only scans need); a freshly bulk-loaded
    one has neither."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.bulk_seed import clone_jobs
    from content.models import JobPostingPage

    seconds = None
    have = JobPostingPage.objects.count()
    if have < jobs:
        started = time.perf_counter()
        if have < min(jobs, TEMPLATE_JOBS):
            call_command("seed_demo", jobs=min(jobs, TEMPLATE_JOBS), stdout=sys.stderr)
        with transaction.atomic():
            clone_jobs(connection, jobs, log=lambda line: print(line, file=sys.stderr))
            # The copies bypass the lifecycle, which keeps the open job counts: count anew.
            call_command("rebuild_open_counts", stdout=sys.stderr)
        seconds = time.perf_counter() - started
    else:  # a database seeded before the counts were kept
        call_command("rebuild_open_counts", if_empty=True, stdout=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return seconds


def run_query(
    client, field: str, fields: str = FIELDS, *, document: str | None = None, variables=None
) -> tuple[float, list[str], dict]:
    """One uncached request through /graphql/: milliseconds, the SQL it ran, its data.
    `field` and `fields` make `{ field { fields } }`; or give the whole `document`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    query = document or "{ " + field + " { " + fields + " } }"
    body = json.dumps({"query": query, "variables": variables or {}})
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.post("/graphql/", body, content_type="application/json")
        elapsed = (time.perf_counter() - started) * 1000
    payload = response.json()
    if response.status_code != 200 or "errors" in payload:
        raise SystemExit(f"{query[:200]} failed: {payload}")
    return elapsed, [q["sql"] for q in captured.captured_queries], payload["data"]


def _timed(client, document: str, variables: dict) -> float:
    """One request without capturing its SQL (what a client waits for); negative when it
    failed (the request's time budget stopped it, under load)."""
    body = json.dumps({"query": document, "variables": variables})
    started = time.perf_counter()
    response = client.post("/graphql/", body, content_type="application/json")
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or b'"errors"' in response.content:
        print(f"failed: {response.content[:200]}", file=sys.stderr)
        return -elapsed
    return elapsed


def _searched(sql: str) -> bool:
    """A search's count of its matches over the counted jobs (SearchedJobCounts)."""
    return "content_countedjob" in sql and "wagtailsearch_indexentry" in sql


def explain(sql: str) -> str:
    """The plan of a statement as the product runs it: a search's count of its matches
    (content.open_counts.SearchedJobCounts) with content.search.reading_every_match."""
    from django.db import connection

    from content.search import reading_every_match

    settings = reading_every_match() if _searched(sql) else contextlib.nullcontext()
    with settings, connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def plan_summary(plan: str) -> tuple[list[str], list[str]]:
    """(indexes used, large tables read by a sequential scan)."""
    indexes = sorted(set(re.findall(r"Index (?:Only )?Scan (?:Backward )?using (\S+)", plan)))
    indexes += sorted(set(re.findall(r"Bitmap Index Scan on (\S+)", plan)) - set(indexes))
    seq = sorted({t for t in re.findall(r"Seq Scan on (\S+)", plan) if t in LARGE_TABLES})
    return indexes, seq


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile: the smallest value at or above q of them."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def _client_worker(args) -> list[float]:
    """One of the concurrent clients: a process of its own, with its own connection."""
    document, variables, requests = args
    from django.db import connections
    from django.test import Client

    connections.close_all()  # never the parent's socket: opened afresh in this process
    client = Client(HTTP_HOST="localhost")
    _timed(client, document, variables)  # warm this process
    return [_timed(client, document, variables) for _ in range(requests)]


def concurrent(document: str, variables: dict, requests: int) -> list[float]:
    """CLIENTS processes sending `requests` each at once: every request's milliseconds."""
    from django.db import connections

    connections.close_all()  # forked children must not share the parent's connection
    context = multiprocessing.get_context("fork")
    with context.Pool(CLIENTS) as pool:
        per_client = pool.map(_client_worker, [(document, variables, requests)] * CLIENTS)
    return [ms for timings in per_client for ms in timings]


def measure(size: int, repeats: int, concurrent_repeats: int) -> dict:
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    results = {}
    for name, (kind, document, variables) in resolve_scenarios().items():
        run_query(client, "", document=document, variables=variables)  # warm: plans, caches
        timings, statements = [], []
        for _ in range(repeats):
            elapsed, statements, _data = run_query(
                client, "", document=document, variables=variables
            )
            timings.append(elapsed)
        together = concurrent(document, variables, concurrent_repeats)
        failed = sum(1 for ms in together if ms < 0)
        together = [abs(ms) for ms in together]
        job_sql = [s for s in statements if "content_jobpostingpage" in s or _searched(s)]
        plans = [explain(s) for s in job_sql]
        summaries = [plan_summary(p) for p in plans]
        results[name] = {
            "kind": kind,
            "document": document,
            "variables": variables,
            "p50_ms": statistics.median(timings),
            "p95_ms": percentile(timings, 95),
            "p50_8_ms": statistics.median(together),
            "p95_8_ms": percentile(together, 95),
            "failed_8": failed,
            "sql_queries": len(statements),
            "db_ms": sum(
                float(m) for p in plans for m in re.findall(r"Execution Time: ([\d.]+)", p)
            ),
            "indexes": sorted({i for s in summaries for i in s[0]}),
            "seq_scans": sorted({t for s in summaries for t in s[1]}),
            "plans": [{"sql": s, "plan": p} for s, p in zip(job_sql, plans, strict=True)],
        }
        r = results[name]
        print(
            f"{size:>8} {name:<30} p50 {r['p50_ms']:7.1f} p95 {r['p95_ms']:7.1f} | 8 clients "
            f"p50 {r['p50_8_ms']:7.1f} p95 {r['p95_8_ms']:7.1f} failed {failed} "
            f"| db {r['db_ms']:7.1f} "
            f"seq={r['seq_scans']}  load {load_average()}",
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


def verdict(name: str, runs: dict[int, dict]) -> str:
    sizes = sorted(runs)
    last = runs[sizes[-1]][name]
    problems = []
    if last["p95_ms"] > TARGETS[last["kind"]]:
        problems.append(f"p95 > {TARGETS[last['kind']]}")
    if len(sizes) > 1 and last["p95_ms"] > GROWTH_TARGET * runs[sizes[0]][name]["p95_ms"]:
        problems.append(f"growth > {GROWTH_TARGET}")
    return "; ".join(problems) or "ok"


def render(
    runs: dict[int, dict],
    seed_seconds: dict[int, float | None],
    command: str,
    machine: str,
    loads: dict[int, str],
) -> str:
    sizes = sorted(runs)
    lines = [
        f"## {SECTION}",
        "",
        f"Command: `{command}` ({machine}, {time.strftime('%Y-%m-%d')}; load average "
        + ", ".join(f"{loads[s]} at {s:,}" for s in sizes)
        + ").",
        "",
        "Every query is sent through `/graphql/` in-process with the response cache off. "
        "p50 / p95 in milliseconds, end to end (GraphQL included), of one client's requests "
        f"and of {CLIENTS} concurrent clients' (each a process of its own); *ratio* is the "
        "single client's p95 at the largest size over the smallest; *db* the summed "
        "`EXPLAIN ANALYZE` time of the SQL that touches the jobs tables, at the largest "
        "size. Targets (p95): "
        + ", ".join(f"{kind} {ms} ms" for kind, ms in TARGETS.items())
        + f", and at most x{GROWTH_TARGET} from the smallest size to the largest.",
        "",
        "| scenario | "
        + " | ".join(f"{s:,}: 1 client | {s:,}: {CLIENTS} clients" for s in sizes)
        + " | ratio | db | SQL | seq scans | verdict |",
        "| --- | "
        + " | ".join("---: | ---:" for _ in sizes)
        + " | ---: | ---: | ---: | --- | --- |",
    ]
    last = runs[sizes[-1]]
    for name in last:
        cells = []
        for s in sizes:
            r = runs[s][name]
            cells.append(f"{r['p50_ms']:.1f} / {r['p95_ms']:.1f}")
            failed = f" ({r['failed_8']} over budget)" if r.get("failed_8") else ""
            cells.append(f"{r['p50_8_ms']:.1f} / {r['p95_8_ms']:.1f}{failed}")
        ratio = last[name]["p95_ms"] / runs[sizes[0]][name]["p95_ms"]
        lines.append(
            f"| {name} | "
            + " | ".join(cells)
            + f" | x{ratio:.2f} | {last[name]['db_ms']:.1f} | {last[name]['sql_queries']} | "
            + (", ".join(last[name]["seq_scans"]) or "none")
            + f" | {verdict(name, runs)} |"
        )
    lines += [
        "",
        f"One database per size, seeded by `seed_demo --jobs {TEMPLATE_JOBS}` and grown "
        "to its size by bench/bulk_seed.py ("
        + ", ".join(
            f"{s:,}: {seed_seconds[s]:.0f} s" if seed_seconds[s] else f"{s:,}: seeded earlier"
            for s in sizes
        )
        + "), then `VACUUM ANALYZE`.",
        "",
        f"<details><summary>EXPLAIN (ANALYZE, BUFFERS) at {sizes[-1]:,} jobs</summary>",
        "",
    ]
    for name in last:
        lines.append(f"**{name}**")
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
        "runs": measure(args.one, args.repeats, args.concurrent_repeats),
        "load_average": load_average(),
    }
    (RESULTS / f"scale-{args.one}.json").write_text(json.dumps(result, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=20, help="one client's requests")
    parser.add_argument(
        "--concurrent-repeats", type=int, default=5, help=f"requests of each of {CLIENTS} clients"
    )
    parser.add_argument(
        "--database-prefix",
        default=os.environ.get("BENCH_DATABASE_PREFIX", DEFAULT_DB_PREFIX),
        help="one database per size: <prefix>_<size>, created and seeded if needed",
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
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
    runs, seed_seconds, machines, loads = {}, {}, set(), {}
    for size in sorted(args.sizes):
        url = f"{args.database_prefix}_{size}"
        if not args.report_only:
            ensure_database(url)
            child = [sys.executable, __file__, "--one", str(size), "--database-url", url]
            child += ["--repeats", str(args.repeats)]
            child += ["--concurrent-repeats", str(args.concurrent_repeats)]
            if args.redis_url:
                child += ["--redis-url", args.redis_url]
            subprocess.run(child, check=True)
        result = json.loads((RESULTS / f"scale-{size}.json").read_text())
        runs[size], seed_seconds[size] = result["runs"], result["seed_seconds"]
        machines.add(result["machine"])
        loads[size] = result["load_average"]
    measured = [arg for arg in sys.argv[1:] if arg not in ("--report-only", "--write")]
    command = "python bench/scale.py " + " ".join(measured)
    text = render(runs, seed_seconds, command.strip(), " / ".join(sorted(machines)), loads)
    print(text)
    if args.write:
        write_heading_section(f"## {SECTION}", text)
        print(f"wrote the '{SECTION}' section of docs/benchmarks.md", file=sys.stderr)


if __name__ == "__main__":
    main()
