"""Bulk import throughput and memory: `import_jobs` on generated CSV files.

    .venv/bin/python bench/import_bench.py                    # SQLite and PostgreSQL, 10k and 100k
    .venv/bin/python bench/import_bench.py --sizes 1000 --baseline-size 50 --no-write  # smoke

For each database and size it starts from a fresh copy of a database migrated and seeded with
the demo taxonomy and institutions (no jobs; seeded once per run), writes two CSV files of N
generated postings (different references; once per size, for both databases) in --work-dir,
and times, each in its own process (so peak RSS is that import's alone):
  - drafts: file A imported as drafts;
  - unchanged: file A imported again (every row recognised by its fingerprint);
  - published: file B imported with --publish (search entries, first-publication records).
The baseline is the one-by-one path (`prepare_job` + `save_job`, one transaction a row, what
`import_jobs` did before the bulk path), measured in the same run on `--baseline-size` rows.
Results (rows/s, CPU time per row of the importing process and of its PostgreSQL backend, SQL
statements per row (those run through Django: not the COPYs of the bulk page writes on
PostgreSQL), peak RSS, ratios to the baseline, load average) go to the "Bulk imports" section
of docs/benchmarks.md. CPU per row is the figure to compare on a busy machine. Options:
--db, --sizes, --baseline-size (0: none), --work-dir, --postgres-url, --no-write. Not run by CI.
"""

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402

BEGIN, END = "<!-- bench/import_bench.py: begin -->", "<!-- bench/import_bench.py: end -->"
DEFAULT_WORK = "/tmp/import-bench"


def work_dir() -> Path:
    """Generated files and the SQLite database: --work-dir, passed on to the child processes
    in $IMPORT_BENCH_DIR, keeps parallel runs apart."""
    return Path(os.environ.get("IMPORT_BENCH_DIR", DEFAULT_WORK))


COLUMNS = [
    "title", "institution", "role", "disciplines", "reference", "department", "city", "country",
    "remote_policy", "employment_type", "contract_type", "duration_months", "salary_min",
    "salary_max", "salary_currency", "salary_period", "funded", "funding_details", "start_date",
    "closing_date", "description", "requirements", "how_to_apply", "application_url",
    "application_email", "education_requirement", "keywords",
]  # fmt: skip
CASES = ("drafts", "unchanged", "published")


def _django(database_url: str):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        DEBUG="false",
        SECRET_KEY="import-bench",
    )
    import django

    django.setup()


# --- Child processes: each prints one JSON line --------------------------------------------


def child_seed(database_url: str) -> dict:
    """Migrate, seed taxonomy and institutions (no jobs)."""
    _django(database_url)
    from django.core.management import call_command

    from content.demo.seeding import seed_demo

    call_command("migrate", verbosity=0)
    seed_demo(jobs=0)
    return {}


def child_setup(database_url: str, rows: int, prefixes: list[str]) -> dict:
    """Write one CSV file per prefix unless this run wrote it already (the seeded taxonomy is
    the same whatever the database)."""
    _django(database_url)
    from django.utils import timezone

    from content.demo.jobs import generate_job
    from content.demo.seeding import catalogue
    from content.models import Discipline, Institution, Role

    known = catalogue()
    institutions = dict(Institution.objects.values_list("pk", "slug"))
    roles = dict(Role.objects.values_list("pk", "slug"))
    disciplines = dict(Discipline.objects.values_list("pk", "slug"))
    today, now = timezone.localdate(), timezone.now()
    for prefix in prefixes:
        path = csv_path(prefix, rows)
        if path.exists():
            continue
        with path.open("w", newline="") as out:
            writer = csv.DictWriter(out, COLUMNS)
            writer.writeheader()
            for n in range(rows):
                spec = generate_job(n, known, today, now)
                row = {key: spec.fields.get(key, "") for key in COLUMNS}
                row.update(
                    title=spec.title,
                    institution=institutions[spec.institution_id],
                    role=roles[spec.role_id],
                    disciplines=";".join(disciplines[pk] for pk in spec.discipline_ids),
                    reference=f"{prefix}-{n}",
                    funded="yes" if spec.fields["funded"] else "no",
                )
                writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return {}


def csv_path(prefix: str, rows: int) -> Path:
    return work_dir() / f"{prefix}-{rows}.csv"


def _save_one_by_one(record, lookups, mode) -> int:
    """What import_jobs did before the bulk path: prepare, then save in its own transaction."""
    from django.db import transaction

    from content.imports.reading import Mode, prepare_job, save_job

    prepared, errors = prepare_job(record.data, lookups=lookups)
    assert not errors, errors
    unpublished = not prepared.page.live or prepared.page.has_unpublished_changes
    if prepared.changed or (mode == Mode.PUBLISH and unpublished):
        with transaction.atomic():
            save_job(prepared, mode=mode)
    return 1


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _backend_cpu_seconds(connection) -> float | None:
    """CPU time of this connection's PostgreSQL backend, when the server runs on this machine
    (its process is in /proc): the other half of an import's cost."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def child_import(database_url: str, path: str, publish: bool, baseline: bool) -> dict:
    _django(database_url)
    from django.db import connection

    from content.imports.bulk import import_rows
    from content.imports.reading import Lookups, Mode, read_records

    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    mode = Mode.PUBLISH if publish else Mode.DRAFT
    backend_before = _backend_cpu_seconds(connection)
    cpu_before, started = _cpu_seconds(), time.perf_counter()
    with connection.execute_wrapper(count):
        if baseline:
            lookups = Lookups()
            rows = sum(_save_one_by_one(r, lookups, mode) for r in read_records(path))
            failed = 0
        else:
            report = import_rows(read_records(path), mode=mode)
            rows, failed = report.total, report.count("failed")
    elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_before
    backend_after = _backend_cpu_seconds(connection)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": rows,
        "failed": failed,
        "seconds": elapsed,
        "peak_mb": peak_kb / 1024,
        "cpu_ms_per_row": 1000 * cpu / rows,
        "db_cpu_ms_per_row": None
        if backend_before is None
        else 1000 * (backend_after - backend_before) / rows,
        "statements_per_row": statements / rows,
    }


def _run_child(*args) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(args)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- Databases ------------------------------------------------------------------------------


def fresh_database(kind: str, postgres_url: str) -> str:
    """A migrated database with the demo taxonomy and institutions, no jobs: a copy of a seed
    made once per run and database (migrating and seeding take longer than a 10k import)."""
    if kind == "sqlite":
        seed, path = work_dir() / "seed.sqlite3", work_dir() / "bench.sqlite3"
        if kind not in _seeded:
            _remove_sqlite(seed)
            _run_child("seed", f"sqlite:///{seed}")
        _remove_sqlite(path)
        for suffix in ("", "-wal"):  # the seed's last writes may still be in its WAL
            if Path(f"{seed}{suffix}").exists():
                shutil.copyfile(f"{seed}{suffix}", f"{path}{suffix}")
        _seeded.add(kind)
        return f"sqlite:///{path}"
    import psycopg

    base, _, name = postgres_url.rpartition("/")
    seed = f"{name}_seed"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if kind not in _seeded:
            connection.execute(f'DROP DATABASE IF EXISTS "{seed}"')
            connection.execute(f'CREATE DATABASE "{seed}"')
            _run_child("seed", f"{base}/{seed}")
            _seeded.add(kind)
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{seed}"')
    return postgres_url


_seeded: set[str] = set()  # the databases whose seed this run made


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def measure(kind: str, size: int, postgres_url: str, baseline: bool) -> dict:
    url = fresh_database(kind, postgres_url)
    _run_child("setup", url, size, ["A", "B"])
    results = {}
    for case in CASES:
        file = csv_path("B" if case == "published" else "A", size)
        result = results[case] = _run_child("import", url, str(file), case == "published", baseline)
        result["rows_per_s"] = result["rows"] / result["seconds"]
        result["load"] = os.getloadavg()[0]
        label = "baseline" if baseline else "bulk"
        print(
            f"  {kind:8} {label:8} {size:>7} {case:9} {result['rows_per_s']:9.0f} rows/s "
            f"{result['peak_mb']:7.0f} MB peak  ({result['seconds']:.1f} s, "
            f"{result['failed']} failed; CPU {_cpu(result)} ms/row, "
            f"{result['statements_per_row']:.2f} SQL/row; load {result['load']:.2f})",
            flush=True,
        )
    return results


def _cpu(result: dict) -> str:
    """The importing process's CPU per row, plus its PostgreSQL backend's when known."""
    db_cpu = result["db_cpu_ms_per_row"]
    return f"{result['cpu_ms_per_row']:.2f}" + ("" if db_cpu is None else f" + {db_cpu:.2f}")


# --- Report -----------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--baseline-size", type=int, default=100, help="0 skips the one-by-one baseline."
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/ajc_imports"
        ),
        help="A database this script may drop and recreate (and NAME_seed next to it).",
    )
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=work_dir(),
        help=f"Generated files, SQLite database (default $IMPORT_BENCH_DIR or {DEFAULT_WORK}).",
    )
    args = parser.parse_args()
    if args.child:
        step, *rest = json.loads(args.child)
        children = {"seed": child_seed, "setup": child_setup, "import": child_import}
        print(json.dumps(children[step](*rest)))
        return

    args.work_dir.mkdir(parents=True, exist_ok=True)
    os.environ["IMPORT_BENCH_DIR"] = str(args.work_dir.resolve())
    for old in args.work_dir.glob("[AB]-*.csv"):  # dated closing dates: written afresh per run
        old.unlink()
    load = os.getloadavg()
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs")
    table = []
    for kind in args.db or ["sqlite", "postgres"]:
        base = None
        if args.baseline_size:
            base = measure(kind, args.baseline_size, args.postgres_url, baseline=True)
        for size in args.sizes:
            bulk = measure(kind, size, args.postgres_url, baseline=False)
            for case in CASES:
                result = bulk[case]
                versus = "| – | –"
                if base:
                    ratio = result["rows_per_s"] / base[case]["rows_per_s"]
                    versus = f"| {base[case]['rows_per_s']:,.1f} | {ratio:,.0f}x"
                table.append(
                    f"| {kind} | {size:,} | {case} | {result['rows_per_s']:,.0f} "
                    f"| {_cpu(result)} | {result['statements_per_row']:.2f} "
                    f"| {result['peak_mb']:,.0f} MB {versus} | {result['load']:.2f} |"
                )
    after = os.getloadavg()
    print(f"load average after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")
    lines = [
        "## Bulk imports (`bench/import_bench.py`)",
        "",
        f"`{' '.join(['.venv/bin/python', 'bench/import_bench.py', *sys.argv[1:]])}`, "
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f} before and {after[0]:.2f} after. "
        "CPU: the importing process's time per row (user + system), plus its PostgreSQL "
        "backend's. "
        + (
            f"Baseline: the one-by-one path on {args.baseline_size} rows, same run, same database."
            if args.baseline_size
            else "No baseline run."
        ),
        "",
        "| database | rows | case | rows/s | CPU ms/row | SQL/row | peak RSS "
        "| baseline rows/s | ratio | load after |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
        *table,
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_section(BEGIN, END, "\n".join([BEGIN, *lines, END]))


if __name__ == "__main__":
    main()
