#!/usr/bin/env python
"""The per-request time budget under load: no anonymous request holds a worker past
GRAPHQL_MAX_SECONDS + 0.5 s, on PostgreSQL with 60,000 jobs, under the real gunicorn.

    .venv/bin/python bench/request_budget.py                         # 60k jobs, prints
    .venv/bin/python bench/request_budget.py --write                 # and docs/benchmarks.md
    .venv/bin/python bench/request_budget.py --jobs 2000 --seconds 5 # a smoke run

The database (`--database-url`, created if missing) is migrated and seeded to `--jobs` with
bench/scale.py's seeding (`seed_demo`, then VACUUM ANALYZE). For each budget (`--budgets`,
`default` being the settings' GRAPHQL_MAX_SECONDS) gunicorn is started as the image starts
it (`gunicorn -c gunicorn.conf.py`, `config.settings.production`, `--workers` ASGI workers)
with the response cache off, so every request does its work. Each scenario (a cheap
baseline query, facets, filtered and searched listings, deep pages, the most expensive
documents the cost analysis admits, and hostile ones) is sent back to back by each number
of concurrent clients in `--concurrency` for `--seconds`, every request counted, the slow
ones at the end included.

Per scenario: requests, HTTP statuses (503: stopped by the budget; 400: refused before
running), client wall time (p50/p95/max; with more clients than workers it includes the
wait for a worker, which the budget does not cover) and the time each request held a worker
(the server's own `duration_ms` from its one-JSON-line-per-request log, p50/max). The bound
is checked on the latter: PASS when no request held a worker past the budget + 0.5 s.
Workers' RSS (and peak, VmHWM) from /proc before and after each budget's run, and the load
average around each scenario. Ratios: each scenario's server p50 over the cheap baseline's
at the same concurrency.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scale  # noqa: E402
from bench.endpoints import Endpoint  # noqa: E402
from bench.load import hammer  # noqa: E402
from bench.load_test import free_port, wait_until_up  # noqa: E402
from bench.report import write_heading_section  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ajc_request_budget"
SECTION = "Request time budget under load (gunicorn, PostgreSQL)"
SLACK_SECONDS = 0.5
BASELINE = "baseline: roles"

FACET_FIELDS = (
    "total disciplines { slug name count } roles { slug name count } "
    "countries { code name count } institutions { slug name count }"
)
LIST_FIELDS = (
    "items { title slug url institution { name slug } role { name } disciplines { name slug } "
    "country { code name } city closingDate salary { min max currency } } "
    "pagination { total totalPages }"
)
# Everything a job has, rich text and JSON-LD included (priced TEXT_FIELD_COST each).
ALL_FIELDS = (
    "items { id title slug url urlPath seoTitle searchDescription firstPublishedAt "
    "lastPublishedAt institution { name slug city websiteUrl country { code name } } "
    "department city country { code name } remotePolicy role { name slug } "
    "disciplines { name slug } employmentType contractType durationMonths "
    "salary { min max currency period } funded fundingDetails startDate closingDate postedAt "
    "description requirements howToApply applicationUrl applicationEmail reference "
    "educationRequirement keywords jsonLd } pagination { total }"
)
SEARCH_WORDS = [
    "research", "data", "science", "university", "biology", "learning", "physics", "history",
    "engineering", "clinical", "social", "chemistry", "policy", "computing", "ecology",
]  # fmt: skip

# 28 different searches: one word each, then pairs.
ALIASED_SEARCHES = (
    SEARCH_WORDS
    + [
        f"{word} {SEARCH_WORDS[(i + 3) % len(SEARCH_WORDS)]}" for i, word in enumerate(SEARCH_WORDS)
    ][:13]
)


def scenarios(fixtures: dict) -> dict[str, tuple[str, dict]]:
    """name: (document, variables). Slugs and the deep page come from the site itself."""
    deep = max(1, fixtures["total"] // 100)
    filters = {"d": fixtures["disciplines"][:2], "c": fixtures["countries"][:3]}
    return {
        BASELINE: ("{ roles { slug name } }", {}),
        "facets, unfiltered": ("{ jobFacets { " + FACET_FIELDS + " } }", {}),
        "facets, searched": ('{ jobFacets(search: "research") { ' + FACET_FIELDS + " } }", {}),
        "facets, filtered": (
            "query($d: [String!], $c: [String!]) { jobFacets(disciplines: $d, countries: $c, "
            "fundedOnly: true) { " + FACET_FIELDS + " } }",
            filters,
        ),
        "search + filters, relevance": (
            'query($d: [String!], $c: [String!]) { jobs(search: "data science", '
            "disciplines: $d, countries: $c, order: RELEVANCE, perPage: 50) { "
            + LIST_FIELDS
            + " } }",
            filters,
        ),
        "deep page (last of 100s)": (
            "query($p: Int) { jobs(page: $p, perPage: 100) { " + LIST_FIELDS + " } }",
            {"p": deep},
        ),
        "deep page, searched": (
            'query($p: Int) { jobs(search: "research", page: $p, perPage: 100) { '
            + LIST_FIELDS
            + " } }",
            {"p": max(1, fixtures["research_total"] // 100)},
        ),
        "site search": ('{ search(query: "research university") { __typename } }', {}),
        "most expensive admitted: 100 + 75 jobs, every field": (
            "{ a: jobs(page: 1, perPage: 100) { "
            + ALL_FIELDS
            + " } b: jobs(page: 2, perPage: 75) { "
            + ALL_FIELDS
            + " } }",
            {},
        ),
        "hostile: 28 aliased searched facets": (
            "{ "
            + " ".join(
                f'f{i}: jobFacets(search: "{words}")'
                " { total disciplines { count } roles { count } countries { count } "
                "institutions { count } }"
                for i, words in enumerate(ALIASED_SEARCHES)
            )
            + " }",
            {},
        ),
        "hostile: 200-character search, deep page": (
            "query($s: String, $p: Int) { jobs(search: $s, page: $p, perPage: 100) { "
            + LIST_FIELDS
            + " } }",
            {"s": ("a e i o u " * 40)[:200], "p": 500},
        ),
        "hostile: over the cost limit": (
            "{ "
            + " ".join(f"j{i}: jobs(perPage: 100) {{ " + ALL_FIELDS + " }" for i in range(4))
            + " }",
            {},
        ),
    }


def prepare_database(args) -> float | None:
    """Create, migrate and seed (bench/scale.py's own steps) in this process."""
    scale.ensure_database(args.database_url)
    scale.setup_django(args.database_url, args.redis_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return scale.seed(args.jobs)


def server_env(args, budget: str, port: int, var_dir: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="request-budget-bench-only-" + "x" * 30,
        DEFAULT_FROM_EMAIL="Academic Jobs <alerts@jobs.example.org>",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback
        GRAPHQL_CACHE_SECONDS="0",  # every request does its work
        DATABASE_URL=args.database_url,
        VAR_DIR=var_dir,
        WEB_CONCURRENCY=str(args.workers),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        LOG_LEVEL="WARNING",  # the per-request JSON lines stay (their own logger)
    )
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    if budget != "default":
        env["GRAPHQL_MAX_SECONDS"] = budget
    return env


def read_fixtures() -> dict:
    """Real slugs and totals, read once in this process (no budget to meet here)."""
    from django.test import Client, override_settings

    query = (
        "{ disciplines { slug } all: jobs(perPage: 1) { pagination { total } } "
        'research: jobs(search: "research", perPage: 1) { pagination { total } } '
        "jobFacets { countries { code } } }"
    )
    with override_settings(GRAPHQL_MAX_SECONDS=600):
        response = Client(HTTP_HOST="localhost").post(
            "/graphql/", {"query": query}, content_type="application/json"
        )
    payload = response.json()
    if response.status_code != 200 or payload.get("errors"):
        raise SystemExit(f"fixture query failed: {payload}")
    data = payload["data"]
    return {
        "disciplines": [d["slug"] for d in data["disciplines"]],
        "countries": [c["code"] for c in data["jobFacets"]["countries"]],
        "total": data["all"]["pagination"]["total"],
        "research_total": data["research"]["pagination"]["total"],
    }


def worker_memory(master: int) -> dict[int, tuple[int, int]]:
    """gunicorn's workers (the master's children): pid -> (VmRSS, VmHWM) in KiB."""
    found = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if int(fields.get("PPid", "0").strip()) == master:
            found[int(status.parent.name)] = (
                int(fields["VmRSS"].split()[0]),
                int(fields["VmHWM"].split()[0]),
            )
    return found


def server_lines(log_path: Path, start: int) -> tuple[list[dict], int]:
    """The request log's JSON lines written since byte `start`, and the new end."""
    with log_path.open("rb") as handle:
        handle.seek(start)
        raw = handle.read()
    lines = []
    for text in raw.decode(errors="replace").splitlines():
        if text.startswith("{"):
            entry = json.loads(text)
            if entry.get("event") == "graphql_request":
                lines.append(entry)
    return lines, start + len(raw)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def run_budget(args, budget: str, fixtures: dict) -> dict:
    port = free_port()
    var_dir = tempfile.mkdtemp(prefix="request-budget-")
    log_path = Path(var_dir) / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=server_env(args, budget, port, var_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
        seconds = float(budget) if budget != "default" else args.default_budget
        documents = scenarios(fixtures)
        # Admission: each document once; one refused before running (400) is not loaded.
        admitted = {}
        for name, (query, variables) in documents.items():
            body = json.dumps({"query": query, "variables": variables}).encode()
            request = urllib.request.Request(
                base + "/graphql/", body, {"Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
                message = error.read().decode(errors="replace")
            admitted[name] = (status, body if status != 400 else None)
            if status == 400:
                print(f"  {name}: refused (400) {message[:100]}", file=sys.stderr)
        memory_before = worker_memory(server.pid)
        _, offset = server_lines(log_path, 0)
        results = {}
        for concurrency in args.concurrency:
            for name, (_status, body) in admitted.items():
                if body is None:
                    results[f"{name} @{concurrency}"] = {
                        "name": name,
                        "concurrency": concurrency,
                        "refused": True,
                    }
                    continue
                load_before = os.getloadavg()[0]
                endpoint = Endpoint(name, "POST", "/graphql/", body)
                result = hammer(
                    "127.0.0.1",
                    port,
                    endpoint,
                    concurrency=concurrency,
                    seconds=args.seconds,
                    warmup=0,
                    count_late=True,
                )
                lines, offset = server_lines(log_path, offset)
                held = [entry["duration_ms"] for entry in lines]
                row = {
                    "name": name,
                    "concurrency": concurrency,
                    "refused": False,
                    "requests": result.requests,
                    "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
                    "wall_p50": percentile(result.latencies_ms, 0.5),
                    "wall_p95": percentile(result.latencies_ms, 0.95),
                    "wall_max": max(result.latencies_ms, default=0.0),
                    "logged": len(held),
                    "held_p50": percentile(held, 0.5),
                    "held_p95": percentile(held, 0.95),
                    "held_max": max(held, default=0.0),
                    "load": (load_before, os.getloadavg()[0]),
                }
                results[f"{name} @{concurrency}"] = row
                print(
                    f"  budget {budget:>7} x{concurrency:<3} {name[:44]:<44} "
                    f"n={row['requests']:<5} {row['statuses']} wall p50 {row['wall_p50']:7.0f} "
                    f"max {row['wall_max']:7.0f} ms, held p50 {row['held_p50']:6.0f} "
                    f"max {row['held_max']:6.0f} ms, load {row['load'][1]:.2f}",
                    file=sys.stderr,
                )
        memory_after = worker_memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    held_max = max((r["held_max"] for r in results.values() if not r["refused"]), default=0.0)
    return {
        "budget": budget,
        "seconds": seconds,
        "bound_ms": (seconds + SLACK_SECONDS) * 1000,
        "held_max": held_max,
        "passed": held_max <= (seconds + SLACK_SECONDS) * 1000,
        "memory_before": memory_before,
        "memory_after": memory_after,
        "fixtures": fixtures,
        "rows": results,
    }


def render(runs: list[dict], args, seed_seconds: float | None, machine: str) -> str:
    command = "python bench/request_budget.py " + " ".join(
        a for a in sys.argv[1:] if a != "--write"
    )
    lines = [
        f"## {SECTION}",
        "",
        f"Command: `{command.strip()}` ({machine}, {time.strftime('%Y-%m-%d')}; "
        f"{runs[0]['fixtures']['total']:,} open jobs, {args.workers} gunicorn ASGI workers, "
        f"production settings, response cache off, {args.seconds:g} s per scenario and "
        "concurrency; seeding: "
        + (f"{seed_seconds:.0f} s" if seed_seconds else "done earlier")
        + ").",
        "",
        "*held*: the time a request held a worker (the server's `duration_ms`); *wall*: the "
        "client's time, which also counts the wait for a free worker when there are more "
        "clients than workers. *x base*: held p50 over the cheap baseline's at the same "
        "concurrency. 503: stopped by the budget; refused: 400 from the cost analysis, "
        "nothing ran.",
        "",
    ]
    for run in runs:
        verdict = "PASS" if run["passed"] else "FAIL"
        lines += [
            f"### GRAPHQL_MAX_SECONDS = {run['seconds']:g}"
            + (" (default)" if run["budget"] == "default" else ""),
            "",
            f"Longest hold of a worker: {run['held_max']:.0f} ms, bound "
            f"{run['bound_ms']:.0f} ms: **{verdict}**.",
            "",
            "| scenario | clients | requests | 503 | other non-200 | wall p50 / p95 / max ms "
            "| held p50 / p95 / max ms | x base | load avg |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in run["rows"].values():
            if row["refused"]:
                lines.append(f"| {row['name']} | {row['concurrency']} | refused | | | | | | |")
                continue
            base = run["rows"][f"{BASELINE} @{row['concurrency']}"]["held_p50"] or 1
            others = sum(v for k, v in row["statuses"].items() if k not in ("200", "503"))
            lines.append(
                f"| {row['name']} | {row['concurrency']} | {row['requests']} | "
                f"{row['statuses'].get('503', 0)} | {others} | "
                f"{row['wall_p50']:.0f} / {row['wall_p95']:.0f} / {row['wall_max']:.0f} | "
                f"{row['held_p50']:.0f} / {row['held_p95']:.0f} / {row['held_max']:.0f} | "
                f"x{row['held_p50'] / base:.1f} | {row['load'][0]:.2f} → {row['load'][1]:.2f} |"
            )
        memory = ", ".join(
            f"{run['memory_before'][pid][0] / 1024:.0f} → {after[0] / 1024:.0f} MiB "
            f"(peak {after[1] / 1024:.0f})"
            for pid, after in sorted(run["memory_after"].items())
            if pid in run["memory_before"]
        )
        lines += ["", f"Workers' RSS before → after the load: {memory or 'n/a'}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=60_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--seconds", type=float, default=15, help="per scenario and concurrency")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 16])
    parser.add_argument(
        "--budgets", nargs="+", default=["1", "default"], help="GRAPHQL_MAX_SECONDS values"
    )
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md too")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("This benchmark runs on PostgreSQL: give a postgres:// URL.")
    seed_seconds = prepare_database(args)
    from django.conf import settings

    args.default_budget = settings.GRAPHQL_MAX_SECONDS
    machine = scale.machine()
    fixtures = read_fixtures()
    runs = [run_budget(args, budget, fixtures) for budget in args.budgets]
    text = render(runs, args, seed_seconds, machine)
    scale.RESULTS.mkdir(parents=True, exist_ok=True)
    (scale.RESULTS / "request_budget.json").write_text(json.dumps(runs, indent=2))
    print(text)
    if args.write:
        write_heading_section(f"## {SECTION}", text)
        print(f"wrote the '{SECTION}' section of docs/benchmarks.md", file=sys.stderr)
    if not all(run["passed"] for run in runs):
        raise SystemExit("a request held a worker past GRAPHQL_MAX_SECONDS + 0.5 s")


if __name__ == "__main__":
    main()
