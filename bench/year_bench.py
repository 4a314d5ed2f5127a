"""A year of a job board's alerts, simulated on PostgreSQL + Redis with a real worker (issue 23).

    DATABASE_URL=postgres://... REDIS_URL=redis://.../k .venv/bin/python bench/year_bench.py \\
        --subscribers 1000 --days 24 --month-days 2 --jobs 20 --retention-days 4  # dev
    ... bench/year_bench.py --write                           # the full year (100k), to docs

Days pass on a movable clock (bench/sim_clock.py: `django.utils.timezone.now` plus an
offset; the worker reads the offset from Redis before each task), not in real time. Each
simulated day:
- churn: new confirmed sign-ups (`--signups`, a share of the base a day), unsubscribes
  (`--unsubscribes`), a tenth of whom also erase their data (notifications/privacy.py);
  each month `--bounces` of the base become dead addresses (the SMTP server answers 550: the
  product marks them bounced, i.e. suppressed, on the first try) and `--complaints` of the
  base complain about an email they got (suppressed at once: `suppress()` below);
- `--jobs` jobs published in `--batches` batches (4), each followed by an INSTANT digest;
  jobs close 30 days after publication (their closing date); a DAILY digest once a day;
- each night, on the moved clock, beat's tasks: the scheduler (`publish_scheduled`: jobs
  past their closing date expire, as in production), closed-job retention
  (content.tasks.delete_closed_jobs: `--job-retention-days` after closing), the ledger's
  retention (notifications.tasks.apply_retention) and content.tasks.purge_revisions; at each
  month's end a VACUUM ANALYZE (autovacuum's job in production; off on this machine)
  before the month's size is read.
Every digest is a `run_digest` task on a real `celery worker --concurrency=2`, sending
through a local aiosmtpd server that counts every RCPT to an address suppressed before.

Per simulated month it reports the database's size, the jobs alive (pages, and live ones),
the ledger's rows (and compacted summaries), the DAILY digest's duration (median of the
month's runs; wall-clock, so rerun on a quiet machine) and its CPU (worker processes +
PostgreSQL backends), emails sent and emails to suppressed addresses, with the load
average. Targets: month 12's size within 10% of month 4's, month 12's digest within 1.2x of
month 2's, zero emails to suppressed addresses.
Only with --write does it write its section of docs/benchmarks.md (bench/report.py).
"""

import argparse
import calendar
import contextlib
import datetime as dt
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import sim_clock, workers  # noqa: E402
from bench.digest_bench import COUNTRIES, KEYWORDS, CpuMeter, children, database_backends  # noqa: E402
from bench.report import load_average, write_section  # noqa: E402

BEGIN, END = "<!-- bench/year_bench.py: begin -->", "<!-- bench/year_bench.py: end -->"
VAR = ROOT / "var" / "year-bench"
QUEUE = f"year-bench-{uuid.uuid4().hex[:8]}"


def configure(args):
    VAR.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (and REDIS_URL).")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL: the worker's clock and the broker are in Redis.")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        VAR_DIR=str(VAR),
        CELERY_TASK_DEFAULT_QUEUE=QUEUE,
        NOTIFICATIONS_INSTANT_WINDOW_SECONDS="0",
        NOTIFICATIONS_LEDGER_RETENTION_DAYS=str(args.retention_days),
        JOBS_RETENTION_DAYS_AFTER_CLOSE=str(args.job_retention_days),
        NOTIFICATIONS_SIGNUPS_PER_IP_PER_HOUR="0",
        NOTIFICATIONS_SIGNUPS_PER_EMAIL_PER_HOUR="0",
        LOG_LEVEL="WARNING",
        DEBUG="false",
        SECRET_KEY="year-bench",
    )
    import django

    django.setup()
    sim_clock.install()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- the SMTP side ------------------------------------------------------------------------------


class Mailboxes:
    """The receiving side: dead addresses answer 550; every RCPT to an address suppressed
    before it (bounced once already, or complained) is a violation."""

    def __init__(self):
        self.lock = threading.Lock()
        self.dead: set[str] = set()
        self.suppressed: set[str] = set()
        self.emails = 0
        self.to_suppressed = 0
        self.received: dict[str, int] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if address in self.suppressed:
                self.to_suppressed += 1
            if address in self.dead:
                self.suppressed.add(address)  # bounced now: suppressed from here on
                return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.emails += 1
            for address in envelope.rcpt_tos:
                self.received[address] = self.received.get(address, 0) + 1
        return "250 OK"


def suppress(subscriber_id: int, reason: str):
    """A complaint, recorded as an ARF report or an ESP's event would be: the address goes on
    the suppression list and is never mailed again (notifications/bounces.py)."""
    from notifications import bounces
    from notifications.models import DeliveryEvent, Subscriber

    subscriber = Subscriber.objects.get(pk=subscriber_id)
    bounces.record(
        DeliveryEvent.Kind.COMPLAINT,
        subscriber=subscriber,
        source="year_bench",
        detail=reason,
        when=sim_clock.now(),
    )


# --- the board ----------------------------------------------------------------------------------


class Board:
    def __init__(self, rng: random.Random):
        from wagtail.models import Site

        from content.models import Discipline, Institution, JobIndexPage, Role

        self.rng = rng
        self.tops = [
            Discipline.objects.get_or_create(slug=f"year-field-{t}", defaults={"name": f"F{t}"})[0]
            for t in range(6)
        ]
        self.leaves = [
            Discipline.objects.get_or_create(
                slug=f"{top.slug}-{c}", defaults={"name": f"{top.name}.{c}", "parent": top}
            )[0]
            for top in self.tops
            for c in range(5)
        ]
        self.roles = [
            Role.objects.get_or_create(slug=f"year-role-{r}", defaults={"name": f"Role {r}"})[0]
            for r in range(8)
        ]
        self.institutions = [
            Institution.objects.get_or_create(
                slug=f"year-inst-{i}",
                defaults={"name": f"Year University {i}", "country": COUNTRIES[i % 12]},
            )[0]
            for i in range(40)
        ]
        self.index = JobIndexPage.objects.filter(slug="year-jobs").first()
        if self.index is None:
            home = Site.objects.get(is_default_site=True).root_page
            self.index = home.add_child(instance=JobIndexPage(title="Year jobs", slug="year-jobs"))
        self.next_email = 0
        self.next_job = 0

    def add_subscribers(self, n: int):
        from django.db import transaction

        from notifications.models import AlertKeyword, JobAlert, Subscriber

        rng, now = self.rng, sim_clock.now()
        for start in range(0, n, 5000):
            size = min(5000, n - start)
            with transaction.atomic():
                subs = Subscriber.objects.bulk_create(
                    Subscriber(
                        email=f"reader{self.next_email + i}@year.example.org",
                        status=Subscriber.Status.CONFIRMED,
                        created_at=now,
                        consented_at=now,
                        consent_version="bench",
                        consent_method=Subscriber.ConsentMethod.FORM,
                        confirmed_at=now,
                    )
                    for i in range(size)
                )
                self.next_email += size
                alerts, criteria = [], []
                for sub in subs:
                    for _ in range(rng.randint(1, 2)):
                        alerts.append(
                            JobAlert(
                                subscriber=sub,
                                frequency="INSTANT" if rng.random() < 0.3 else "DAILY",
                                countries=JobAlert.pack_countries(
                                    rng.sample(COUNTRIES, 2) if rng.random() < 0.2 else []
                                ),
                                created_at=now,
                                active_since=now,
                                any_discipline=False,
                            )
                        )
                        criteria.append(
                            (
                                rng.choice(self.leaves if rng.random() < 0.6 else self.tops),
                                rng.choice(self.roles) if rng.random() < 0.3 else None,
                                rng.choice(KEYWORDS) if rng.random() < 0.1 else None,
                            )
                        )
                alerts = JobAlert.objects.bulk_create(alerts)
                through_d = JobAlert.disciplines.through
                through_r = JobAlert.roles.through
                through_d.objects.bulk_create(
                    through_d(jobalert_id=a.pk, discipline_id=d.pk)
                    for a, (d, _, _) in zip(alerts, criteria, strict=True)
                )
                through_r.objects.bulk_create(
                    through_r(jobalert_id=a.pk, role_id=r.pk)
                    for a, (_, r, _) in zip(alerts, criteria, strict=True)
                    if r
                )
                AlertKeyword.objects.bulk_create(
                    AlertKeyword(alert_id=a.pk, keyword=k)
                    for a, (_, _, k) in zip(alerts, criteria, strict=True)
                    if k
                )

    def publish_jobs(self, n: int):
        """Publish `n` jobs in one go through the product's bulk path (content/imports/bulk.py,
        as an import or an employer's feed does): pages, revisions and search entries written
        at the simulated time, then one `content_changed` event (content/lifecycle.py) whose
        receivers record the first publications the digests send."""
        from content.imports.bulk import CREATED, import_rows
        from content.imports.reading import Mode, Record
        from content.lifecycle import Source

        rng, now = self.rng, sim_clock.now()
        records = []
        for number in range(1, n + 1):
            j = self.next_job
            self.next_job += 1
            institution = rng.choice(self.institutions)
            records.append(
                Record(
                    number,
                    {
                        "title": f"Year job {j}: {rng.choice(KEYWORDS)} research",
                        "institution": institution.slug,
                        "reference": f"year-job-{j}",
                        "role": rng.choice(self.roles).slug,
                        "disciplines": rng.choice(self.leaves).slug,
                        "country": institution.country,
                        "remote_policy": rng.choice(["ON_SITE", "ON_SITE", "HYBRID", "REMOTE"]),
                        "description": "<p>Year bench.</p>",
                        "closing_date": (now + dt.timedelta(days=30)).date().isoformat(),
                        "application_url": "https://example.org/apply",
                    },
                )
            )
        report = import_rows(
            records, mode=Mode.PUBLISH, parent=self.index, source=Source.IMPORT, keep_outcomes=True
        )
        if report.count(CREATED) != n:
            raise SystemExit(f"publishing {n} jobs failed: {report.outcomes[:3]}")


# --- the loop ------------------------------------------------------------------------------------


def start_worker(smtp_port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }
    return workers.start_worker(
        ["bench.sim_clock", "worker", "--concurrency=2", "--loglevel=INFO"], env, log
    )


def digest(frequency: str) -> tuple[float, float]:
    """One digest run as beat starts it: planned here (the task's code, in-process, on the
    moved clock), its batches sent by the worker. Returns (seconds until every row is
    settled, CPU seconds of this process, the worker and the PostgreSQL backends)."""
    from notifications import digests
    from notifications.models import Delivery, DigestRun
    from notifications.tasks import enqueue_batch

    started, own_cpu = time.monotonic(), time.process_time()
    for meter in METERS:
        meter.start()
    run = digests.run_digest(frequency, force=True, send=enqueue_batch)
    polled = started
    while run is not None and (
        Delivery.objects.filter(status=Delivery.Status.PENDING).exists()
        or DigestRun.objects.filter(pk=run.pk, finished_at__isnull=True).exists()
    ):
        # The meters scan /proc: often enough for the worker's pool and the database's
        # backends (long-lived), not at every check for the end of the run.
        if time.monotonic() - polled > 0.5:
            polled = time.monotonic()
            for meter in METERS:
                meter.poll()
        time.sleep(0.02)
        if time.monotonic() - started > 3600:
            raise SystemExit(f"{frequency} digest did not finish within an hour")
    for meter in METERS:
        meter.poll()
    cpu = time.process_time() - own_cpu + sum(meter.seconds for meter in METERS)
    return time.monotonic() - started, cpu


METERS: list[CpuMeter] = []


def reset():
    """Start from no subscribers, ledger or bench jobs (this database is the bench's own)."""
    from django.db import connection

    from content.models import JobIndexPage
    from notifications.models import (
        AcceptedEmail,
        Delivery,
        DeliverySummary,
        DigestRun,
        JobPublication,
        Subscriber,
    )

    models = (AcceptedEmail, Delivery, DeliverySummary, DigestRun, JobPublication, Subscriber)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(m._meta.db_table for m in models)} CASCADE")
    for index in JobIndexPage.objects.filter(slug="year-jobs"):
        index.delete()  # and its jobs


def database_size() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def vacuum():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


class Phases:
    """Where a simulated day's wall-clock time goes (printed with each month's line)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, name: str):
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.monotonic() - started

    def line(self, days: int) -> str:
        return (
            ", ".join(f"{name} {seconds / days:.2f}" for name, seconds in self.seconds.items())
            + " (s a day)"
        )


def stop_on_signals():
    """A run stopped by SIGTERM, SIGINT or SIGHUP unwinds like an error, so `simulate`'s
    cleanup stops the worker's process group and the SMTP server (and bench/workers.py's
    exit handler stops a worker still starting)."""

    def unwind(signum, frame):
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # nohup's SIGHUP stays ignored
            signal.signal(signum, unwind)


def month_key(args, day: int, moment: dt.datetime) -> tuple[int, int]:
    """(month number, its length in days): calendar months, or `--month-days` for dev runs."""
    if args.month_days:
        return day // args.month_days + 1, args.month_days
    return moment.month + 12 * (moment.year - START.year), calendar.monthrange(
        moment.year, moment.month
    )[1]


START = dt.datetime(2027, 1, 1, 6, 0, tzinfo=dt.UTC)


def simulate(args) -> list[dict]:
    from aiosmtpd.controller import Controller
    from django.db import connection

    from content.tasks import delete_closed_jobs, purge_revisions
    from notifications import privacy
    from notifications.tasks import apply_retention, publish_scheduled
    from tests.notifications.smtp import free_port

    rng = random.Random(args.seed)
    sim_clock.move_to(START)
    reset()
    board = Board(rng)
    board.add_subscribers(args.subscribers)
    vacuum()
    mailboxes = Mailboxes()
    controller = Controller(mailboxes, hostname="127.0.0.1", port=free_port())
    controller.start()
    worker = None
    try:
        worker = start_worker(controller.port, VAR / "worker.log")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            own_backend = cursor.fetchone()[0]
        database = connection.settings_dict["NAME"]
        METERS[:] = [
            CpuMeter(lambda: [worker.pid, *children(worker.pid)]),
            CpuMeter(lambda: database_backends(database, own_backend)),
        ]
        nightly = (publish_scheduled, delete_closed_jobs, apply_retention, purge_revisions)
        return run_days(args, board, mailboxes, rng, privacy, nightly)
    finally:
        if worker is not None:
            workers.stop_worker(worker)
        controller.stop()


def run_days(args, board, mailboxes, rng, privacy, nightly):
    from content.models import JobPostingPage
    from notifications.models import Delivery, DeliverySummary, Subscriber

    months, month, phases = [], None, Phases()
    for day in range(args.days):
        day_start = START + dt.timedelta(days=day)
        number, length = month_key(args, day, day_start)
        if month is None or month["month"] != number:
            month = {"month": number, "length": length, "daily_s": [], "daily_cpu": []}
            months.append(month)
            with phases("churn"):
                churn_month(args, mailboxes, rng)
        with phases("churn"):
            churn_day(args, board, rng, privacy)
        for batch in range(args.batches):
            sim_clock.move_to(day_start + dt.timedelta(hours=1 + 16 * batch / args.batches))
            with phases("publish"):
                board.publish_jobs(args.jobs // args.batches)
            with phases("instant"):
                digest("INSTANT")
        sim_clock.move_to(day_start + dt.timedelta(hours=17))
        with phases("daily"):
            seconds, cpu = digest("DAILY")
        month["daily_s"].append(seconds)
        month["daily_cpu"].append(cpu)
        with phases("complaints"):
            complain(args, mailboxes, rng, length)
        # Beat's nightly tasks, run here on the moved clock.
        sim_clock.move_to(day_start + dt.timedelta(hours=20))
        for task in nightly:
            with phases(task.__name__):
                task()
        last = day + 1 == args.days
        if last or month_key(args, day + 1, day_start + dt.timedelta(days=1))[0] != number:
            with phases("vacuum"):
                vacuum()
            month.update(
                days=len(month["daily_s"]),
                db_mb=database_size() / 2**20,
                jobs=JobPostingPage.objects.count(),
                live_jobs=JobPostingPage.objects.live().count(),
                ledger=Delivery.objects.count(),
                summaries=DeliverySummary.objects.count(),
                subscribers=Subscriber.objects.filter(status="confirmed").count(),
                emails=mailboxes.emails,
                to_suppressed=mailboxes.to_suppressed,
                load=load_average(),
            )
            print(summary_line(month), file=sys.stderr, flush=True)
            print(f"  {phases.line(day + 1)}", file=sys.stderr, flush=True)
    return months


def churn_month(args, mailboxes: Mailboxes, rng: random.Random):
    """Some addresses die this month: the next email to each bounces (550)."""
    from notifications.models import Subscriber

    confirmed = list(Subscriber.objects.filter(status="confirmed").values_list("email", flat=True))
    with mailboxes.lock:
        mailboxes.dead.update(rng.sample(confirmed, rounded(len(confirmed) * args.bounces, rng)))


def churn_day(args, board: Board, rng: random.Random, privacy):
    """Sign-ups and unsubscribes as shares of the base, rounded at random (a small base
    gets a sign-up on some days, not one every day: rounding up made 120 subscribers grow
    to ~480 in a year); each leaver erases their data with a chance of one in ten."""
    from notifications.models import Subscriber

    base = Subscriber.objects.filter(status="confirmed").count()
    board.add_subscribers(rounded(base * args.signups, rng))
    ids = list(Subscriber.objects.filter(status="confirmed").values_list("pk", flat=True))
    leaving = rng.sample(ids, min(len(ids), rounded(base * args.unsubscribes, rng)))
    Subscriber.objects.filter(pk__in=leaving).update(
        status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=sim_clock.now()
    )
    erasing = [pk for pk in leaving if rng.random() < 0.1]
    for subscriber in Subscriber.objects.filter(pk__in=erasing):
        privacy.erase(subscriber)


def rounded(expected: float, rng: random.Random) -> int:
    """`expected` rounded down or up at random, so that the mean is `expected`."""
    whole = int(expected)
    return whole + (rng.random() < expected - whole)


def complain(args, mailboxes: Mailboxes, rng: random.Random, month_length: int):
    """A day's share of the month's complaints, from people who got an email."""
    from notifications.models import Subscriber

    with mailboxes.lock:
        received = sorted(mailboxes.received)
    n = int(len(received) * args.complaints / month_length) or (rng.random() < 0.2)
    for email in rng.sample(received, min(n, len(received))):
        subscriber = Subscriber.objects.filter(email=email).first()
        if subscriber is not None and subscriber.status == "confirmed":
            with mailboxes.lock:
                mailboxes.suppressed.add(email)
            suppress(subscriber.pk, "complaint")


# --- report --------------------------------------------------------------------------------------


def summary_line(m: dict) -> str:
    return (
        f"month {m['month']:>2}: db {m['db_mb']:.0f} MB, jobs {m['jobs']:,} "
        f"({m['live_jobs']:,} live), ledger {m['ledger']:,} rows "
        f"({m['summaries']:,} summaries), {m['subscribers']:,} confirmed, DAILY "
        f"{statistics.median(m['daily_s']):.2f} s / {statistics.median(m['daily_cpu']):.2f} "
        f"CPU s, emails {m['emails']:,}, to suppressed {m['to_suppressed']}, load {m['load']}"
    )


def report(args, months: list[dict]) -> str:
    rows = [
        f"| {m['month']} | {m['db_mb']:.0f} | {m['jobs']:,} | {m['live_jobs']:,} "
        f"| {m['ledger']:,} | {m['summaries']:,} "
        f"| {m['subscribers']:,} | {statistics.median(m['daily_s']):.2f} "
        f"| {statistics.median(m['daily_cpu']):.2f} | {m['emails']:,} | {m['to_suppressed']} "
        f"| {m['load']} |"
        for m in months
    ]

    def ratio(a: int, b: int, key) -> str:
        if len(months) < max(a, b) or months[b - 1]["days"] < months[b - 1]["length"]:
            return "n/a (run shorter than that)"
        return f"{key(months[b - 1]) / key(months[a - 1]):.2f}"

    size = ratio(4, 12, lambda m: m["db_mb"])
    digest = ratio(2, 12, lambda m: statistics.median(m["daily_s"]))
    digest_cpu = ratio(2, 12, lambda m: statistics.median(m["daily_cpu"]))
    month_length = f"{args.month_days} days" if args.month_days else "calendar months"
    return "\n".join(
        [
            BEGIN,
            "## A year of alerts (bench/year_bench.py)",
            "",
            f"{args.subscribers:,} subscribers at the start, {args.days} simulated days from "
            f"{START:%Y-%m-%d} ({month_length} to a month), "
            f"{args.jobs} jobs a day in {args.batches} batches (an INSTANT digest after "
            f"each), ledger retention {args.retention_days} days, closed jobs deleted "
            f"{args.job_retention_days} days after closing; churn a day: "
            f"sign-ups {args.signups:.2%}, unsubscribes {args.unsubscribes:.2%}; a month: "
            f"dead addresses {args.bounces:.1%}, complaints {args.complaints:.2%}.",
            "",
            "| month | DB MB | jobs | live jobs | ledger rows | summaries | confirmed "
            "| DAILY s (median) "
            "| DAILY CPU s | emails (total) | to suppressed | load |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"Month 12 / month 4 DB size: **{size}** (target ≤ 1.10). Month 12 / month 2 DAILY "
            f"digest: **{digest}** wall-clock, {digest_cpu} CPU (target ≤ 1.2). Emails to "
            f"suppressed addresses: **{months[-1]['to_suppressed']}** (target 0).",
            END,
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--jobs", type=int, default=300, help="jobs published a day")
    parser.add_argument(
        "--batches",
        type=int,
        default=4,
        help="batches the jobs are published in, a day, each followed by an INSTANT digest",
    )
    parser.add_argument("--retention-days", type=int, default=90, help="the ledger's")
    parser.add_argument(
        "--job-retention-days", type=int, default=90, help="closed jobs kept this long"
    )
    parser.add_argument("--signups", type=float, default=0.002, help="share of the base a day")
    parser.add_argument("--unsubscribes", type=float, default=0.0015, help="share a day")
    parser.add_argument("--bounces", type=float, default=0.02, help="dead addresses a month")
    parser.add_argument("--complaints", type=float, default=0.001, help="complaints a month")
    parser.add_argument(
        "--month-days",
        type=int,
        default=0,
        help="days a reported month has (default: calendar months; shorter: dev runs)",
    )
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    stop_on_signals()
    configure(args)
    months = simulate(args)
    text = report(args, months)
    print(text)
    if args.write:
        write_section(BEGIN, END, text)


if __name__ == "__main__":
    main()
