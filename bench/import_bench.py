"""Bulk import throughput and memory: `import_jobs` on generated CSV files.

    .venv/bin/python bench/import_bench.py                    # SQLite and PostgreSQL, 10k and 100k
    .venv/bin/python bench/import_bench.py --sizes 1000 --baseline-size 50 --no-write  # smoke

For each database and size it migrates a fresh database with the demo taxonomy and
institutions (no jobs), writes two CSV files of N generated postings (different
references), and times, each in its own process (so peak RSS is that import's alone):
  - drafts: file A imported as drafts;
  - unchanged: file A imported again (every row recognised by its fingerprint);
  - published: file B imported with --publish (search entries, first-publication records).
The baseline is the one-by-one path (`prepare_job` + `save_job`, one transaction a row, what
`import_jobs` did before the bulk path), measured in the same run on `--baseline-size` rows.
Results (rows/s, peak RSS, ratios to the baseline, load average) go to the "Bulk imports"
section of docs/benchmarks.md. Not run by CI.
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench/import_bench.py: begin -->", "<!-- bench/import_bench.py: end -->"
WORK = Path("/tmp/import-bench")
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


def child_setup(database_url: str, rows: int, prefixes: list[str]) -> dict:
    """Migrate, seed taxonomy and institutions, write one CSV file per prefix."""
    _django(database_url)
    from django.core.management import call_command
    from django.utils import timezone

    from content.demo.jobs import generate_job
    from content.demo.seeding import catalogue, seed_demo
    from content.models import Discipline, Institution, Role

    call_command("migrate", verbosity=0)
    seed_demo(jobs=0)
    known = catalogue()
    institutions = dict(Institution.objects.values_list("pk", "slug"))
    roles = dict(Role.objects.values_list("pk", "slug"))
    disciplines = dict(Discipline.objects.values_list("pk", "slug"))
    today, now = timezone.localdate(), timezone.now()
    for prefix in prefixes:
        with (WORK / f"{prefix}.csv").open("w", newline="") as out:
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


def _save_one_by_one(record, lookups, mode) -> int:
    """What import_jobs did before the bulk path: prepare, then save in its own transaction."""
    from django.db import transaction

    from content.importing import Mode, prepare_job, save_job

    prepared, errors = prepare_job(record.data, lookups=lookups)
    assert not errors, errors
    unpublished = not prepared.page.live or prepared.page.has_unpublished_changes
    if prepared.changed or (mode == Mode.PUBLISH and unpublished):
        with transaction.atomic():
            save_job(prepared, mode=mode)
    return 1


def child_import(database_url: str, path: str, publish: bool, baseline: bool) -> dict:
    _django(database_url)
    from content.bulk_import import import_rows
    from content.importing import Lookups, Mode, read_records

    mode = Mode.PUBLISH if publish else Mode.DRAFT
    started = time.perf_counter()
    if baseline:
        lookups = Lookups()
        rows = sum(_save_one_by_one(r, lookups, mode) for r in read_records(path))
        failed = 0
    else:
        report = import_rows(read_records(path), mode=mode)
        rows, failed = report.total, report.count("failed")
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": rows, "failed": failed, "seconds": elapsed, "peak_mb": peak_kb / 1024}


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
    if kind == "sqlite":
        path = WORK / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    base, _, name = postgres_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return postgres_url


def measure(kind: str, size: int, postgres_url: str, baseline: bool) -> dict:
    url = fresh_database(kind, postgres_url)
    _run_child("setup", url, size, ["A", "B"])
    results = {}
    for case in CASES:
        file = WORK / ("B.csv" if case == "published" else "A.csv")
        results[case] = _run_child("import", url, str(file), case == "published", baseline)
        result = results[case]
        result["rows_per_s"] = result["rows"] / result["seconds"]
        label = "baseline" if baseline else "bulk"
        print(
            f"  {kind:8} {label:8} {size:>7} {case:9} {result['rows_per_s']:9.0f} rows/s "
            f"{result['peak_mb']:7.0f} MB peak  ({result['seconds']:.1f} s, "
            f"{result['failed']} failed)",
            flush=True,
        )
    return results


# --- Report -----------------------------------------------------------------------------------


def write_doc(lines: list[str]) -> None:
    text = DOC.read_text() if DOC.exists() else ""
    section = "\n".join([BEGIN, *lines, END])
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--baseline-size", type=int, default=300)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/ajc_imports"
        ),
        help="A database this script may drop and recreate.",
    )
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    args = parser.parse_args()
    if args.child:
        step, *rest = json.loads(args.child)
        print(json.dumps((child_setup if step == "setup" else child_import)(*rest)))
        return

    WORK.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs")
    table = []
    for kind in args.db or ["sqlite", "postgres"]:
        base = measure(kind, args.baseline_size, args.postgres_url, baseline=True)
        for size in args.sizes:
            bulk = measure(kind, size, args.postgres_url, baseline=False)
            for case in CASES:
                ratio = bulk[case]["rows_per_s"] / base[case]["rows_per_s"]
                table.append(
                    f"| {kind} | {size:,} | {case} | {bulk[case]['rows_per_s']:,.0f} "
                    f"| {base[case]['rows_per_s']:,.1f} | {ratio:,.0f}x "
                    f"| {bulk[case]['peak_mb']:,.0f} MB |"
                )
    after = os.getloadavg()
    print(f"load average after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")
    lines = [
        "## Bulk imports (`bench/import_bench.py`)",
        "",
        f"`{' '.join(['.venv/bin/python', 'bench/import_bench.py', *sys.argv[1:]])}`, "
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f} before and {after[0]:.2f} after. "
        f"Baseline: the one-by-one path on {args.baseline_size} rows, same run, same database.",
        "",
        "| database | rows | case | bulk rows/s | baseline rows/s | ratio | peak RSS |",
        "|---|---:|---|---:|---:|---:|---:|",
        *table,
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_doc(lines)


if __name__ == "__main__":
    main()
