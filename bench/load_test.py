#!/usr/bin/env python
"""Load test: gunicorn on PostgreSQL and Redis, driven by locust (bench/locustfile.py).

    .venv/bin/python bench/load_test.py          # 50 users, 60 s: uncached, cached, warm

Starts gunicorn (production settings, several sync workers, plain HTTP on a free loopback
port) with the GraphQL response cache off, then on (empty), then on (warm), runs locust headless
against each, checks that nothing failed, and writes requests/s and latency percentiles,
plus the hit rate and SQL queries per request read from the server's JSON request log, to
the "Load test" section of docs/benchmarks.md. Needs `pip install -e .[bench]`.
"""

import argparse
import csv
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
SECTION = "Load test (gunicorn, PostgreSQL, Redis)"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ajc_ops"
DEFAULT_REDIS = "redis://127.0.0.1:6379/4"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(args, cache_seconds: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "load-test-only-not-a-secret",
        "DEFAULT_FROM_EMAIL": "Load test <load@bench.example>",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": "ajc-load",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
        "GRAPHQL_CACHE_SECONDS": str(cache_seconds),
        "LOG_LEVEL": "WARNING",  # the per-request JSON lines stay on (their own logger)
        "CONN_MAX_AGE": "600",
    }


def manage(env: dict, *command: str) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *command], cwd=ROOT, env=env, check=True)


def job_count(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT count(*) FROM content_jobpostingpage").fetchone()[0]


def prepare_database(args) -> None:
    env = server_env(args, 0)
    manage(env, "migrate", "--no-input", "-v", "0")
    if job_count(args.database_url) < args.jobs:  # a bigger database is used as it is
        manage(env, "seed_demo", "--jobs", str(args.jobs))


def post(base: str, query: str, variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(base + "/graphql/", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.loads(response.read())
    if payload.get("errors"):
        raise SystemExit(f"fixture query failed: {payload['errors']}")
    return payload["data"]


def write_fixtures(base: str) -> Path:
    """Slugs the visitors pick from: real jobs, guides, roles and disciplines of this site."""
    jobs = []
    for page in (1, 2, 3):
        data = post(
            base, "query($p: Int) { jobs(page: $p, perPage: 100) { items { slug } } }", {"p": page}
        )
        jobs += [item["slug"] for item in data["jobs"]["items"]]
    taxonomy = post(base, "{ roles { slug } disciplines { slug } guides { items { slug } } }")
    fixtures = {
        "jobs": jobs,
        "roles": [r["slug"] for r in taxonomy["roles"]],
        "disciplines": [d["slug"] for d in taxonomy["disciplines"]],
        "guides": [g["slug"] for g in taxonomy["guides"]["items"]],
    }
    path = RESULTS / "load_fixtures.json"
    path.write_text(json.dumps(fixtures))
    return path


def wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited; see " + str(RESULTS / "gunicorn-*.log"))
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not become healthy in time")


def flush_cache(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter("ajc-load:*"))
    if keys:
        client.delete(*keys)


def read_locust_stats(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]

    def figures(row):
        return {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "p50": float(row["50%"]),
            "p95": float(row["95%"]),
            "p99": float(row["99%"]),
        }

    return {
        "total": figures(total),
        "by_name": {name: figures(row) for name, row in rows.items() if name != "Aggregated"},
    }


def _server_summary(lines: list[dict]) -> dict:
    hits = [e for e in lines if e["cache"] == "HIT"]
    misses = [e for e in lines if e["cache"] != "HIT"]

    def median(entries, key):
        return statistics.median(e[key] for e in entries) if entries else 0

    return {
        "logged": len(lines),
        "hit_rate": len(hits) / len(lines) if lines else 0.0,
        "sql_per_miss": median(misses, "sql_queries"),
        "sql_per_hit": max((e["sql_queries"] for e in hits), default=0),
        "server_ms_miss": median(misses, "duration_ms"),
        "server_ms_hit": median(hits, "duration_ms"),
    }


def read_request_log(path: Path) -> dict:
    """Cache states, SQL counts and server time from the server's one-JSON-line-per-request
    log, overall and per GraphQL operation."""
    lines = []
    for raw in path.read_text().splitlines():
        if raw.startswith("{"):
            entry = json.loads(raw)
            if entry.get("event") == "graphql_request":
                lines.append(entry)
    operations = sorted({str(e["operation"]) for e in lines})
    return {
        **_server_summary(lines),
        "by_operation": {
            op: _server_summary([e for e in lines if str(e["operation"]) == op])
            for op in operations
        },
    }


def run(args, label: str, cache_seconds: int, fixtures: Path | None, port: int) -> dict:
    base = f"http://127.0.0.1:{port}"
    log_path = RESULTS / f"gunicorn-{label}.log"
    if label != "warm":  # "warm" goes on with what the "cached" run left in the cache
        flush_cache(args.redis_url)
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--backlog",
                "512",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=server_env(args, cache_seconds),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(base, server)
        fixtures = fixtures or write_fixtures(base)
        prefix = RESULTS / f"locust-{label}"
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.users),
                "--run-time",
                f"{args.seconds}s",
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**os.environ, "BENCH_FIXTURES": str(fixtures)},
            check=False,  # locust exits 1 when a request failed; the figures say which
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    result = {**read_locust_stats(prefix), "server": read_request_log(log_path)}
    result["load_average"] = os.getloadavg()[0]  # the last minute: this run, and anything else
    result["fixtures"] = fixtures
    return result


def machine(args) -> str:
    import platform

    import psycopg

    with psycopg.connect(args.database_url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0].split()[0]
    jobs = job_count(args.database_url)
    return (
        f"{os.cpu_count()} cores shared by the server and locust, Python "
        f"{platform.python_version()}, PostgreSQL {version}, {jobs:,} jobs in the database"
    )


def measured_args() -> list[str]:
    return [arg for arg in sys.argv[1:] if arg != "--report-only"]


def render(args, results: dict[str, dict]) -> str:
    lines = [
        f"## {SECTION}",
        "",
        f"Command: `{' '.join(['python bench/load_test.py', *measured_args()])}` "
        f"({machine(args)}, {time.strftime('%Y-%m-%d')}).",
        "",
        f"gunicorn with {args.workers} sync workers on the production settings (PostgreSQL, "
        f"Redis cache), locust with {args.users} concurrent users for {args.seconds} s each "
        "run, closed loop without think time (requests/s is what the server sustains with "
        f"{args.users} requests in flight), and this mix (weights): job listings with random "
        "country / discipline / role / funded filters, order and page (6), job searches (3), "
        "job pages by slug (5), job facets (2), the discipline tree (1), a guide (1), the "
        "glossary A-Z (1). *uncached*: `GRAPHQL_CACHE_SECONDS=0`; *cached*: the response "
        "cache on, starting empty; *warm*: the same again, starting with what *cached* left "
        "(a cache in steady state). Latencies in ms as the clients saw them; hit rate and "
        "SQL queries from the server's JSON request log.",
        "",
        "| run | requests | failures | req/s | p50 | p95 | p99 | cache hit rate | "
        "SQL per miss (median) | SQL per hit | server ms, miss / hit (median) | load avg |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, result in results.items():
        t, s = result["total"], result["server"]
        lines.append(
            f"| {label} | {t['requests']:,} | {t['failures']} | {t['rps']:.1f} | {t['p50']:.0f} "
            f"| {t['p95']:.0f} | {t['p99']:.0f} | {s['hit_rate']:.0%} | {s['sql_per_miss']:g} "
            f"| {s['sql_per_hit']} | {s['server_ms_miss']:.1f} / {s['server_ms_hit']:.1f} "
            f"| {result['load_average']:.1f} |"
        )
    lines += ["", "Per operation (p50 / p95 / p99 ms):", ""]
    names = sorted({name for r in results.values() for name in r["by_name"]})
    lines.append("| operation | " + " | ".join(results) + " |")
    lines.append("| --- | " + " | ".join("---:" for _ in results) + " |")
    for name in names:
        cells = []
        for result in results.values():
            f = result["by_name"].get(name)
            cells.append(f"{f['p50']:.0f} / {f['p95']:.0f} / {f['p99']:.0f}" if f else "-")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Server side, per GraphQL operation (median ms in the view, miss / hit; SQL queries "
        "per miss), from the JSON request log:",
        "",
        "| operation | " + " | ".join(results) + " |",
        "| --- | " + " | ".join("---:" for _ in results) + " |",
    ]
    operations = sorted({op for r in results.values() for op in r["server"]["by_operation"]})
    for op in operations:
        cells = []
        for result in results.values():
            f = result["server"]["by_operation"].get(op)
            cells.append(
                f"{f['server_ms_miss']:.0f} / {f['server_ms_hit']:.0f}; {f['sql_per_miss']:g} SQL"
                if f
                else "-"
            )
        lines.append(f"| {op} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Reading these: with the users sending back to back, latency is mostly waiting for a "
        "worker (p50 is about users / req/s), so it follows throughput. The load average "
        "column counts everything on the machine during the run; above 2 the cores were "
        "shared with other work. A hit costs no SQL and a few milliseconds in the view; a "
        "miss costs what the query costs, and at 100,000 jobs the taxonomy job counts "
        "(`disciplines { jobCount }`, `jobFacets`) are the most expensive operations "
        "(content/job_counts.py reads every job-discipline pair to roll counts up the tree).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--jobs", type=int, default=10_000, help="seed at least this many jobs")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--runs",
        nargs="+",
        choices=["uncached", "cached", "warm"],
        default=["uncached", "cached", "warm"],
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--report-only", action="store_true", help="render the last results again, run nothing"
    )
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    from bench.scale import ensure_database, write_section

    if args.report_only:
        results = json.loads((RESULTS / "load.json").read_text())
    else:
        ensure_database(args.database_url)
        prepare_database(args)
        # One port for every run: the host (port included) is part of the cache's key.
        results, fixtures, port = {}, None, free_port()
        for label in args.runs:
            seconds = 0 if label == "uncached" else 300
            results[label] = run(args, label, seconds, fixtures, port)
            fixtures = results[label].pop("fixtures")
        (RESULTS / "load.json").write_text(json.dumps(results, indent=2))
    text = render(args, results)
    print(text)
    if not args.no_write:
        write_section(ROOT / "docs" / "benchmarks.md", SECTION, text)
    failures = sum(r["total"]["failures"] for r in results.values())
    if failures:
        raise SystemExit(f"{failures} requests failed: see bench/results/locust-*_failures.csv")


if __name__ == "__main__":
    main()
