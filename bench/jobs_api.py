"""Requests/s of the GraphQL `jobs` query vs Wagtail's REST API v2 vs a plain Django view.

    .venv/bin/python bench/jobs_api.py --db sqlite --db postgres

For each database: migrate and seed 10,000 demo jobs (once), check that the three endpoints
list the same 50 jobs with the same values and count their SQL queries, then serve all three
from one gunicorn (2 sync workers, bench.settings: production settings, DEBUG off) and load
each in turn with the same closed-loop client. Prints the table and the ratios and writes them
to the "jobs API" section of docs/benchmarks.md.
"""

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.endpoints import ENDPOINTS, PER_PAGE  # noqa: E402
from bench.load import hammer  # noqa: E402
from bench.report import write_section  # noqa: E402

DATABASES = {
    "sqlite": "sqlite:////tmp/bench.sqlite3",
    "postgres": "postgres://postgres@127.0.0.1:5432/ajc_bench",
}
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench/jobs_api.py: begin -->", "<!-- bench/jobs_api.py: end -->"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", choices=sorted(DATABASES), required=True)
    parser.add_argument("--sqlite-url", default=DATABASES["sqlite"])
    parser.add_argument("--postgres-url", default=DATABASES["postgres"])
    parser.add_argument("--jobs", type=int, default=10_000, help="demo jobs to seed (default 10k)")
    parser.add_argument("--seconds", type=float, default=15, help="measured time per endpoint")
    parser.add_argument("--rounds", type=int, default=3, help="slices the time is cut into")
    parser.add_argument("--warmup", type=float, default=1, help="uncounted time per slice")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", ""),
        help="cache for the server (default $REDIS_URL, else the embedded file cache)",
    )
    parser.add_argument(
        "--no-cached", action="store_true", help="skip the cached-GraphQL measurement"
    )
    parser.add_argument("--no-write", action="store_true", help="do not update the docs")
    return parser.parse_args()


def server_env(args, db: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": getattr(args, f"{db}_url"),
        "REDIS_URL": args.redis_url,
        "VAR_DIR": f"/tmp/bench-var-{db}",
        "PYTHONPATH": str(ROOT),
        # Time the work of answering, not cms.caching's shared response cache.
        "GRAPHQL_CACHE_SECONDS": "0",
    }
    if not args.redis_url:
        env.pop("REDIS_URL")
    # The folders the embedded defaults expect (whitenoise's static root; kombu's filesystem
    # broker, which publishing a job sends a digest task to when there is no Redis).
    for folder in ("static", "broker/queue", "broker/processed"):
        Path(env["VAR_DIR"], folder).mkdir(parents=True, exist_ok=True)
    return env


def ensure_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        exists = connection.execute("select 1 from pg_database where datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'create database "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict, workers: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            f"--error-logfile={log}",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{ENDPOINTS[-1].path}", timeout=5)
            return server, port
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.3)
    server.kill()
    sys.exit(f"gunicorn did not come up; see {log}")


@dataclass
class Totals:
    requests: int = 0
    sent: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)

    def add(self, result, cpu_seconds: float) -> None:
        self.requests += result.requests
        self.sent += result.sent
        self.seconds += result.seconds
        self.cpu_seconds += cpu_seconds
        self.latencies_ms += result.latencies_ms

    def summary(self) -> dict[str, float]:
        ordered = sorted(self.latencies_ms)
        return {
            "rps": self.requests / self.seconds,
            "p50_ms": ordered[len(ordered) // 2],
            "p95_ms": ordered[int(len(ordered) * 0.95)],
            # The CPU time covers the warm-up too, so it is divided by every request sent.
            "cpu_ms": 1000 * self.cpu_seconds / self.sent,
        }


def worker_cpu_seconds(master_pid: int) -> float:
    """User + system CPU of gunicorn's workers (the children of the master), from /proc."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def load_server(args, db: str, env: dict, endpoints, totals: dict) -> None:
    """Serve from one gunicorn and load each endpoint in turn, adding to `totals`."""
    server, port = start_server(env, args.workers, Path(f"/tmp/bench-gunicorn-{db}.log"))
    try:
        # Round-robin in short slices, so that load from anything else on the machine falls
        # on every endpoint alike; server CPU per request is the steadier figure.
        for _round in range(args.rounds):
            for endpoint in endpoints:
                cpu_before = worker_cpu_seconds(server.pid)
                result = hammer(
                    "127.0.0.1",
                    port,
                    endpoint,
                    concurrency=args.concurrency,
                    seconds=args.seconds / args.rounds,
                    warmup=args.warmup,
                )
                if result.failures or not result.requests:
                    sys.exit(f"[{db}] {endpoint.name}: {result.failures} failed requests")
                totals[endpoint.name].add(result, worker_cpu_seconds(server.pid) - cpu_before)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def bench_database(args, db: str) -> dict:
    env = server_env(args, db)
    if db == "postgres":
        ensure_postgres_database(env["DATABASE_URL"])
    print(f"[{db}] migrating, seeding {args.jobs} jobs if needed, checking endpoints...")
    checked = subprocess.run(
        [sys.executable, "-m", "bench.check", f"--jobs={args.jobs}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    if checked.returncode:
        sys.exit(f"[{db}] check failed (exit {checked.returncode})")
    facts = json.loads(checked.stdout)
    print(
        f"[{db}] {facts['jobs_in_db']} jobs, {facts['open_jobs']} open; SQL queries per "
        f"request: {facts['sql_queries']}"
    )

    totals = {endpoint.name: Totals() for endpoint in ENDPOINTS}
    load_server(args, db, env, ENDPOINTS, totals)
    if not args.no_cached:
        # The same query with cms.caching's shared response cache on: every request a hit.
        cached = replace(ENDPOINTS[0], name="graphql_cached")
        totals[cached.name] = Totals()
        load_server(args, db, {**env, "GRAPHQL_CACHE_SECONDS": "300"}, [cached], totals)
    rates = {name: total.summary() for name, total in totals.items()}
    for name, rate in rates.items():
        print(
            f"[{db}] {name:14} {rate['rps']:8.1f} req/s  p50 {rate['p50_ms']:6.1f} ms  "
            f"p95 {rate['p95_ms']:6.1f} ms  server CPU {rate['cpu_ms']:6.2f} ms/request"
        )
    return {**facts, "rates": rates}


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, commit {commit or 'unknown'}"
    )


def report(args, results: dict[str, dict], load_before: float) -> str:
    lines = [
        BEGIN,
        "## Jobs API: GraphQL vs REST API v2 vs the floor",
        "",
        f"`jobs` query, {PER_PAGE} jobs a request with institution (country), role, disciplines,",
        "country, salary and dates; the REST API v2 endpoint lists the same jobs with the same",
        "fields (APIFields, same select/prefetch); the floor is a plain Django view building the",
        "same JSON from one values() query for the page, one string aggregate for its disciplines",
        "and the count.",
        "All three check equal before timing. `graphql_cached` is the same request with",
        "cms.caching's response cache on (every request a hit after the first).",
        "",
        f"- Machine: {machine()}",
        f"- Server: gunicorn, {args.workers} sync workers, bench.settings (production, DEBUG off),"
        f" cache: {'Redis' if args.redis_url else 'file cache'}",
        f"- Load: {args.concurrency} client threads (bench/load.py) on the same machine;"
        f" {args.seconds:g} s measured per endpoint in {args.rounds} round-robin slices, each"
        f" after {args.warmup:g} s of uncounted warm-up. Server CPU: user+system time of the"
        " gunicorn workers per request (PostgreSQL's own processes not included).",
        f"- Other load on the machine (1-minute load average): {load_before:.1f} before,"
        f" {os.getloadavg()[0]:.1f} after. With other work running, requests/s move with it;"
        " server CPU per request is the steadier figure.",
        f"- Command: `{'REDIS_URL=' + args.redis_url + ' ' if args.redis_url else ''}"
        f".venv/bin/python bench/jobs_api.py {' '.join('--db ' + d for d in args.db)}"
        f" --jobs {args.jobs} --seconds {args.seconds:g} --rounds {args.rounds}`",
        "",
        "| database | jobs | endpoint | req/s | vs REST v2 | vs floor | p50 ms | p95 ms "
        "| server CPU ms/req | CPU vs REST v2 | SQL queries |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for db, result in results.items():
        rates = result["rates"]
        for name, rate in rates.items():
            lines.append(
                f"| {db} {result['server_version']} | {result['jobs_in_db']:,} | {name} "
                f"| {rate['rps']:.1f} | {rate['rps'] / rates['rest_v2']['rps']:.2f}x "
                f"| {rate['rps'] / rates['floor']['rps']:.2f}x "
                f"| {rate['p50_ms']:.1f} | {rate['p95_ms']:.1f} | {rate['cpu_ms']:.2f} "
                f"| {rates['rest_v2']['cpu_ms'] / rate['cpu_ms']:.2f}x "
                f"| {result['sql_queries'].get(name, 'cache hit')} |"
            )
    lines.append("")
    for db, result in results.items():
        rates = result["rates"]
        rps = rates["graphql"]["rps"] / rates["rest_v2"]["rps"]
        cpu = rates["graphql"]["cpu_ms"] / rates["floor"]["cpu_ms"]
        lines.append(
            f"- {db}: uncached GraphQL {rps:.2f}x REST API v2 in requests/s (target at least"
            f" 2x: {'met' if rps >= 2 else 'not met'}) and {cpu:.2f}x the floor's server CPU per"
            f" request (target at most 2x: {'met' if cpu <= 2 else 'not met'})."
        )
    lines += [
        "",
        "Where the time of an uncached `jobs` request goes, and what would make it faster:",
        "bench/README.md (measured with bench/profile_jobs.py).",
        "",
        END,
    ]
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    load_before = os.getloadavg()[0]
    results = {db: bench_database(args, db) for db in dict.fromkeys(args.db)}
    section = report(args, results, load_before)
    print()
    print(section)
    if not args.no_write:
        write_section(BEGIN, END, section)
        print(f"\nwritten to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
