"""Expiry and closed-job retention: Wagtail's one-by-one path against the lifecycle's batches
(content/lifecycle.py `expire_due_jobs`, `delete_pages`; content/page_batches.py), on
PostgreSQL.

    DATABASE_URL=postgres://.../own_db REDIS_URL=... .venv/bin/python \\
        bench/lifecycle_batch_bench.py --jobs 200 --rounds 2

Publishes `--jobs` jobs through the bulk import under a "Lifecycle bench" index, moves the
clock past their closing date, then runs each path inside a transaction that is rolled back,
alternating (Wagtail, batches, Wagtail, ...):
- expiry: Wagtail's `publish_scheduled` alone (what the scheduler ran before) against the
  scheduler task now (the batches, then the command for what they leave);
- retention of live jobs (closed, not yet expired) and of expired jobs: `Page.delete` one job
  at a time (what retention ran before) against `content.retention.delete_closed_jobs`.
Reports statements and CPU (this process + its PostgreSQL backend) per job, and wall time.
Webhook rows are written (WEBHOOK_URLS set); nothing is sent (rolled back). Use a database
of your own: the index is removed at the end.
"""

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.own_database import measure_rolled_back as measure  # noqa: E402
from bench.own_database import setup_django_on_own_postgres  # noqa: E402
from bench.report import load_average  # noqa: E402


def configure():
    setup_django_on_own_postgres()
    from django.conf import settings

    settings.WEBHOOK_URLS = ["http://127.0.0.1:9/revalidate"]
    settings.WEBHOOK_SECRET = "whsec_" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
    settings.JOBS_RETENTION_DAYS_AFTER_CLOSE = 1


def build(jobs: int):
    from django.utils import timezone
    from wagtail.models import Site

    from content.imports.bulk import import_rows
    from content.imports.reading import Mode, Record
    from content.lifecycle import Source
    from content.models import Institution, JobIndexPage, Role

    home = Site.objects.get(is_default_site=True).root_page
    index = home.add_child(instance=JobIndexPage(title="Lifecycle bench", slug="lifecycle-bench"))
    institution = Institution.objects.first() or Institution.objects.create(
        name="Bench University", slug="bench-university", country="GB"
    )
    role = Role.objects.first() or Role.objects.create(name="Postdoc", slug="postdoc")
    closing = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    records = [
        Record(
            n,
            {
                "title": f"Lifecycle bench job {n}",
                "institution": institution.slug,
                "role": role.slug,
                "reference": f"lifecycle-bench-{n}",
                "closing_date": closing,
                "description": f"<p>Job {n}.</p>",
                "application_url": "https://example.org/apply",
            },
        )
        for n in range(jobs)
    ]
    report = import_rows(records, mode=Mode.PUBLISH, parent=index, source=Source.IMPORT)
    if report.counts != {"created": jobs}:
        raise SystemExit(f"publishing failed: {report.counts}")
    return index


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    configure()
    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import PageLogEntry

    from content import retention
    from content.lifecycle import Source, acting_as
    from notifications.tasks import publish_scheduled

    def wagtail_expiry():
        with acting_as(Source.SCHEDULER):
            call_command("publish_scheduled")

    def wagtail_delete():  # what content/retention.py ran before
        with acting_as(Source.RETENTION):
            jobs = list(retention.due_jobs(retention.closed_before()).order_by("pk"))
            for job in jobs:
                job.delete()
            PageLogEntry.objects.filter(page_id__in=[job.pk for job in jobs]).delete()

    index = build(args.jobs)
    real_now = timezone.now
    moment = real_now() + dt.timedelta(days=3)
    timezone.now = lambda: moment
    cases = {
        "expiry": {"wagtail": (wagtail_expiry, None), "batched": (publish_scheduled, None)},
        "delete live": {
            "wagtail": (wagtail_delete, None),
            "batched": (retention.delete_closed_jobs, None),
        },
        "delete expired": {
            "wagtail": (wagtail_delete, publish_scheduled),
            "batched": (retention.delete_closed_jobs, publish_scheduled),
        },
    }
    try:
        for case, paths in cases.items():
            runs = {name: [] for name in paths}
            for _ in range(args.rounds):
                for name, (run, setup) in paths.items():
                    runs[name].append(measure(run, setup))
            best = {}
            for name, results in runs.items():
                best[name] = min(results, key=lambda r: r["cpu"])
                r = best[name]
                print(
                    f"{case:15} {name:8} {args.jobs} jobs: {r['statements']:,} statements "
                    f"({r['statements'] / args.jobs:.1f}/job), "
                    f"{1000 * r['cpu'] / args.jobs:.1f} CPU ms/job, "
                    f"{1000 * r['wall'] / args.jobs:.1f} wall ms/job "
                    f"(CPU of the {len(results)} runs: "
                    f"{', '.join(format(x['cpu'], '.2f') for x in results)} s)"
                )
            w, b = best["wagtail"], best["batched"]
            print(
                f"{case:15} wagtail / batched: "
                f"statements {w['statements'] / b['statements']:.1f}x, "
                f"CPU {w['cpu'] / max(b['cpu'], 1e-6):.1f}x"
            )
        print(f"load average {load_average()}")
    finally:
        timezone.now = real_now
        index.delete()


if __name__ == "__main__":
    main()
