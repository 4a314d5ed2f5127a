"""Wagtail's `purge_revisions --days N` against content/revision_purge.py, on PostgreSQL.

    DATABASE_URL=postgres://.../db .venv/bin/python bench/revision_purge_bench.py \\
        --pages 200 --revisions 100      # 20,000 revisions past the window

Writes `--pages` job pages with `--revisions` revisions each, all older than the window
(so each page's latest stays and the rest go), then runs each purge inside a transaction that
is rolled back, alternating (Wagtail, ours, Wagtail, ours...: `--rounds`). Reports per run the
statements sent, the CPU seconds of this process and of its PostgreSQL backend, and the
ratios of Wagtail's to ours measured in the same run. Use a database of your own: it adds
pages under a "Revision bench" index (removed at the end).
"""

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.own_database import measure_rolled_back, setup_django_on_own_postgres  # noqa: E402
from bench.report import load_average  # noqa: E402


def configure():
    setup_django_on_own_postgres()


def build(pages: int, each: int):
    from django.utils import timezone
    from wagtail.models import Revision, Site

    from content.models import JobIndexPage
    from tests.content.factories import JobPostingPageFactory

    home = Site.objects.get(is_default_site=True).root_page
    index = home.add_child(instance=JobIndexPage(title="Revision bench", slug="revision-bench"))
    old = timezone.now() - dt.timedelta(days=400)
    for _ in range(pages):
        page = JobPostingPageFactory(parent=index, announced=False)
        revision = page.save_revision()
        Revision.objects.bulk_create(
            Revision(
                content_type_id=revision.content_type_id,
                base_content_type_id=revision.base_content_type_id,
                object_id=revision.object_id,
                content=revision.content,
                object_str=revision.object_str,
                created_at=old + dt.timedelta(minutes=i),
            )
            for i in range(each - 1)
        )
        Revision.objects.filter(pk=revision.pk).update(created_at=old + dt.timedelta(days=1))
    return index


def measure(purge) -> dict:
    measured = measure_rolled_back(purge)
    return {**measured, "deleted": measured["result"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--revisions", type=int, default=100, help="per page")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    configure()
    from django.core.management import call_command
    from wagtail.models import Revision

    from content.revision_purge import purge_revisions

    def wagtails():
        before = Revision.objects.count()
        call_command("purge_revisions", days=180, verbosity=0)
        return before - Revision.objects.count()

    index = build(args.pages, args.revisions)
    try:
        runs = {"wagtail": [], "ours": []}
        for _ in range(args.rounds):
            runs["wagtail"].append(measure(wagtails))
            runs["ours"].append(measure(lambda: purge_revisions(180)))
        for name, results in runs.items():
            for r in results:
                print(
                    f"{name:8} deleted {r['deleted']:,}: {r['statements']:,} statements, "
                    f"{r['cpu']:.2f} CPU s (this process + its backend), {r['wall']:.2f} s wall"
                )
        best = {name: min(results, key=lambda r: r["cpu"]) for name, results in runs.items()}
        wagtail, ours = best["wagtail"], best["ours"]
        print(
            f"Wagtail / ours: statements {wagtail['statements'] / ours['statements']:.0f}x, "
            f"CPU {wagtail['cpu'] / max(ours['cpu'], 1e-6):.1f}x; "
            f"load average {load_average()}"
        )
    finally:
        index.delete()


if __name__ == "__main__":
    main()
