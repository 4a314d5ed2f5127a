"""Digest throughput and memory: N confirmed subscribers with 1-3 alerts, 300 new jobs.

    .venv/bin/python bench/digest_bench.py                       # 10k and 100k, writes docs
    .venv/bin/python bench/digest_bench.py --subscribers 2000 --no-write   # a smoke run

For each subscriber count it builds the data set once, then runs one INSTANT digest
`--repeat` times (default 3, median reported) in each mode, with a real
`celery -A config worker --concurrency=2` (two worker processes):
  - "SMTP": a local SMTP server that accepts and counts messages, in a process of its own
    (in this process it shared the interpreter lock with the polling below); its CPU per
    email is reported beside the product's. `--sink` picks it: aiosmtpd (~1.8 ms of CPU
    per email here, taken from the same two cores as the product), minimal
    (bench/smtp_sink.py: real SMTP, every byte received, about a fifth of that), or both
    (the default): each in turn within every repeat, with the ratio minimal / aiosmtpd;
  - "sending off" (sizes up to --off-up-to, 10k: at 100k it would add a quarter of an hour):
    Django's dummy email backend, so matching, claiming, rendering and the ledger writes are
    timed without SMTP.
It reports emails/s (from the run's start to the last ledger row sent, planning included),
the product's CPU per email (worker processes plus PostgreSQL backends, from /proc), the
planning time, the peak RSS (VmHWM) of each worker process and the load average. Figures go
to the "Digests" section of docs/benchmarks.md (not with --no-write).

Database: --database-url (default $DATABASE_URL, else a SQLite file in /tmp); broker: Redis
when $REDIS_URL is set, else kombu's filesystem transport. Not run by CI.
"""

import argparse
import datetime as dt
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import workers  # noqa: E402
from bench.report import write_section  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench/digest_bench.py: begin -->", "<!-- bench/digest_bench.py: end -->"
VAR = Path("/tmp/digest-bench-var")
QUEUE = f"digest-bench-{uuid.uuid4().hex[:8]}"
COUNTRIES = ["GB", "DE", "FR", "NL", "US", "CA", "CH", "SE", "ES", "IT", "AU", "FI"]
KEYWORDS = ["bayesian", "robotics", "climate", "genomics", "quantum", "vision", "language"]


def configure(database_url: str):
    for folder in ("broker/queue", "broker/processed"):
        (VAR / folder).mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=database_url,
        VAR_DIR=str(VAR),
        CELERY_TASK_DEFAULT_QUEUE=QUEUE,
        NOTIFICATIONS_INSTANT_WINDOW_SECONDS="0",
        LOG_LEVEL="WARNING",
        DEBUG="false",
        SECRET_KEY="digest-bench",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- data -------------------------------------------------------------------------------------


def build(n_subscribers: int, n_jobs: int, seed: int = 7):
    """Replace all notification data and bench jobs with a fresh, deterministic set."""
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Site

    from content.models import Discipline, Institution, JobIndexPage, JobPostingPage, Role
    from notifications.models import (
        AlertKeyword,
        Delivery,
        DigestRun,
        JobAlert,
        JobPublication,
        Subscriber,
    )

    rng = random.Random(seed)
    if connection.vendor == "postgresql":
        # Django's cascade collects every alert and ledger row of 100k subscribers first
        # (minutes); TRUNCATE ... CASCADE empties the alerts' tables with them at once.
        tables = [
            model._meta.db_table for model in (Delivery, DigestRun, JobPublication, Subscriber)
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    else:
        Delivery.objects.all().delete()
        DigestRun.objects.all().delete()
        JobPublication.objects.all().delete()
        Subscriber.objects.all().delete()

    tops = []
    for t in range(6):
        top, _ = Discipline.objects.get_or_create(
            slug=f"bench-field-{t}", defaults={"name": f"Field {t}"}
        )
        tops.append(top)
    leaves = []
    for top in tops:
        for c in range(5):
            leaf, _ = Discipline.objects.get_or_create(
                slug=f"{top.slug}-{c}", defaults={"name": f"{top.name}.{c}", "parent": top}
            )
            leaves.append(leaf)
    roles = [
        Role.objects.get_or_create(slug=f"bench-role-{r}", defaults={"name": f"Role {r}"})[0]
        for r in range(8)
    ]
    institutions = [
        Institution.objects.get_or_create(
            slug=f"bench-inst-{i}",
            defaults={
                "name": f"Bench University {i}",
                "country": COUNTRIES[i % len(COUNTRIES)],
                "city": f"City {i}",
            },
        )[0]
        for i in range(60)
    ]

    index = JobIndexPage.objects.first()
    if index is None:
        home = Site.objects.get(is_default_site=True).root_page
        index = home.add_child(instance=JobIndexPage(title="Jobs", slug="jobs"))
    now = timezone.now()
    published_at = now - dt.timedelta(hours=1)
    jobs = list(JobPostingPage.objects.filter(slug__startswith="bench-job-"))
    if len(jobs) != n_jobs:  # pages are slow to create: reuse the last run's if they fit
        JobPostingPage.objects.filter(slug__startswith="bench-job-").delete()
        jobs = [_bench_job(index, j, rng, institutions, roles, leaves) for j in range(n_jobs)]
    JobPostingPage.objects.filter(pk__in=[job.pk for job in jobs]).update(
        first_published_at=published_at,
        last_published_at=published_at,
        closing_date=(now + dt.timedelta(days=30)).date(),
    )
    JobPublication.objects.bulk_create(
        JobPublication(job=job, published_at=published_at) for job in jobs
    )

    since = now - dt.timedelta(hours=2)
    chunk = 5000
    for start in range(0, n_subscribers, chunk):
        with transaction.atomic():
            subs = Subscriber.objects.bulk_create(
                Subscriber(
                    email=f"reader{i}@bench.example.org",
                    status=Subscriber.Status.CONFIRMED,
                    consented_at=since,
                    confirmed_at=since,
                )
                for i in range(start, min(start + chunk, n_subscribers))
            )
            alerts, criteria = [], []
            for sub in subs:
                for _ in range(rng.randint(1, 3)):
                    countries = (
                        rng.sample(COUNTRIES, rng.randint(1, 2)) if rng.random() < 0.3 else []
                    )
                    alerts.append(
                        JobAlert(
                            subscriber=sub,
                            frequency="INSTANT",
                            countries=JobAlert.pack_countries(countries),
                            remote=rng.choice(["REMOTE", "HYBRID"]) if rng.random() < 0.1 else "",
                            active_since=since,
                            any_discipline=False,
                        )
                    )
                    criteria.append(
                        (
                            # Every alert names a field (a leaf or a whole top-level field);
                            # alerts matching everything are possible but rare in practice.
                            [rng.choice(leaves if rng.random() < 0.7 else tops)],
                            [rng.choice(roles)] if rng.random() < 0.5 else [],
                            [rng.choice(KEYWORDS)] if rng.random() < 0.1 else [],
                        )
                    )
            alerts = JobAlert.objects.bulk_create(alerts)
            d_rows, r_rows, k_rows = [], [], []
            for alert, (ds, rs, ks) in zip(alerts, criteria, strict=True):
                d_rows += [
                    JobAlert.disciplines.through(jobalert_id=alert.pk, discipline_id=d.pk)
                    for d in ds
                ]
                r_rows += [JobAlert.roles.through(jobalert_id=alert.pk, role_id=r.pk) for r in rs]
                k_rows += [AlertKeyword(alert_id=alert.pk, keyword=k) for k in ks]
            JobAlert.disciplines.through.objects.bulk_create(d_rows)
            JobAlert.roles.through.objects.bulk_create(r_rows)
            AlertKeyword.objects.bulk_create(k_rows)
    vacuum()
    return JobAlert.objects.count()


def _bench_job(index, j, rng, institutions, roles, leaves):
    from content.models import JobPostingPage

    job = JobPostingPage(
        title=f"Bench job {j}: {rng.choice(KEYWORDS)} research",
        slug=f"bench-job-{j}",
        institution=rng.choice(institutions),
        role=rng.choice(roles),
        remote_policy=rng.choice(["ON_SITE", "ON_SITE", "HYBRID", "REMOTE"]),
        description="<p>Bench.</p>",
        closing_date=dt.date.today() + dt.timedelta(days=30),
        application_url="https://example.org/apply",
        live=True,
    )
    index.add_child(instance=job)
    job.disciplines.set([rng.choice(leaves)])
    job.save()  # a ParentalManyToManyField is written on save
    return job


def reset_run():
    from django.db import connection

    from notifications.models import Delivery, DigestRun, JobPublication

    if connection.vendor == "postgresql":
        # 1.5 million ledger rows at 100k subscribers: TRUNCATE is instant, where DELETE
        # and the VACUUM after it took most of a minute per run.
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {connection.ops.quote_name(Delivery._meta.db_table)}")
    else:
        Delivery.objects.all().delete()
    DigestRun.objects.all().delete()
    JobPublication.objects.update(instant_planned_at=None)
    vacuum()


def vacuum():
    """Start every run from the state autovacuum keeps in production: no dead rows from the
    previous run, fresh statistics. (This machine's PostgreSQL runs with autovacuum off, so
    without this each run would pay for the last one's millions of dead ledger rows.)"""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# --- workers and SMTP ---------------------------------------------------------------------------


class CountingHandler:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


class SharedCountingHandler:
    """CountingHandler whose count another process reads (a multiprocessing.Value)."""

    def __init__(self, count):
        self.count = count

    async def handle_DATA(self, server, session, envelope):
        with self.count.get_lock():
            self.count.value += 1
        return "250 OK"


def _serve_aiosmtpd(port: int, count, ready, stop):
    from aiosmtpd.controller import Controller

    controller = Controller(SharedCountingHandler(count), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def _serve_minimal(port: int, count, ready, stop):
    import asyncio

    from bench.smtp_sink import Sink, serve

    class SharedCountingSink(Sink):
        def received(self, sender, recipients, message):
            super().received(sender, recipients, message)
            with count.get_lock():
                count.value += 1

    async def run():
        server = await serve(SharedCountingSink(), "127.0.0.1", port)
        ready.set()
        await asyncio.to_thread(stop.wait)
        server.close()
        await server.wait_closed()

    asyncio.run(run())


SINKS = {"aiosmtpd": _serve_aiosmtpd, "minimal": _serve_minimal}


class SmtpSink:
    """A local SMTP server that accepts and counts messages, in a process of its own, so its
    CPU is measured apart and it does not wait for this driver's interpreter lock: "aiosmtpd"
    or "minimal" (bench/smtp_sink.py, about a fifth of aiosmtpd's CPU per message)."""

    def __init__(self, kind: str, port: int):
        context = multiprocessing.get_context("spawn")
        self.kind, self.port = kind, port
        self._count = context.Value("q", 0)
        self._ready, self._stop = context.Event(), context.Event()
        self.process = context.Process(
            target=SINKS[kind],
            args=(port, self._count, self._ready, self._stop),
            daemon=True,
        )

    def start(self):
        self.process.start()
        if not self._ready.wait(60):
            self.process.kill()
            raise SystemExit(f"the SMTP server ({self.kind}) did not start")

    def stop(self):
        self._stop.set()
        self.process.join(30)
        if self.process.is_alive():
            self.process.kill()

    @property
    def count(self) -> int:
        return self._count.value

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid) or 0.0


def children(pid: int) -> list[int]:
    """The child processes of `pid`, from /proc/<pid>/task/*/children where the kernel has
    it (a few reads), else from a scan of every process in /proc."""
    try:
        return [
            int(child)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except FileNotFoundError:
        pass
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process (not of its children), or None once it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def database_backends(database: str, exclude: int) -> list[int]:
    """PostgreSQL backends serving this database (their title names it), but not `exclude`
    (the bench's own connection, which only polls). The server is shared with other
    databases, so its other processes are not counted."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != exclude:
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {database} " in title:
                found.append(int(entry.name))
    return found


class CpuMeter:
    """CPU seconds used by a changing set of processes since start(): `pick()` lists them
    at each poll; a process first seen after the start counts from zero. Poll often: a
    process that exits between two polls loses what it used since the last one."""

    def __init__(self, pick, pick_every: float = 0.0):
        self.pick = pick
        # Listing the processes scans /proc (milliseconds of CPU in this driver); reading
        # the known ones' counters is cheap. With `pick_every`, the list is renewed at most
        # that often: a process that starts and exits between two renewals is not counted.
        self.pick_every = pick_every
        self.picked: list[int] = []
        self.picked_at = float("-inf")
        self.base: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def _pids(self) -> list[int]:
        if time.monotonic() - self.picked_at >= self.pick_every:
            self.picked, self.picked_at = self.pick(), time.monotonic()
        return self.picked

    def start(self):
        self.picked_at = float("-inf")
        self.base = {pid: cpu for pid in self._pids() if (cpu := cpu_seconds(pid)) is not None}
        self.last = dict(self.base)

    def poll(self, renew: bool = False):
        if renew:
            self.picked_at = float("-inf")
        for pid in self._pids():
            cpu = cpu_seconds(pid)
            if cpu is not None:
                self.base.setdefault(pid, 0.0)
                self.last[pid] = cpu

    @property
    def seconds(self) -> float:
        return sum(self.last[pid] - self.base[pid] for pid in self.last)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_worker(extra_env: dict, log: Path) -> subprocess.Popen:
    env = {**os.environ, **extra_env, "LOG_LEVEL": "WARNING"}
    return workers.start_worker(
        [
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency=2",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        env,
        log,
    )


def timed_run(extra_env: dict, label: str, sink: SmtpSink | None = None) -> dict:
    from django.db import connection
    from django.db.models import Sum

    from notifications.models import Delivery, DigestRun, JobPublication
    from notifications.tasks import run_digest

    reset_run()
    worker = start_worker(extra_env, VAR / f"worker-{label}.log")
    own_backend = 0  # SQLite: no server processes at all
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            own_backend = cursor.fetchone()[0]
    database = connection.settings_dict["NAME"]
    sender = CpuMeter(lambda: [worker.pid, *children(worker.pid)], pick_every=1.0)
    postgres = CpuMeter(lambda: database_backends(database, own_backend), pick_every=1.0)
    try:
        sender.start()
        postgres.start()
        smtp_before = sink.cpu_seconds() if sink else 0.0
        started = time.monotonic()
        run_digest.delay("INSTANT", True)
        while (
            not DigestRun.objects.exists()
            or JobPublication.objects.filter(instant_planned_at__isnull=True).exists()
            or Delivery.objects.filter(status=Delivery.Status.PENDING).exists()
        ):
            sender.poll()
            postgres.poll()
            time.sleep(0.2)
            if time.monotonic() - started > 3600:
                raise SystemExit("digest run did not finish within an hour")
        elapsed = time.monotonic() - started
        smtp_seconds = sink.cpu_seconds() - smtp_before if sink else 0.0
        sender.poll(renew=True)
        postgres.poll(renew=True)
        run = DigestRun.objects.get()
        pool = children(worker.pid)
        rss = sorted(peak_rss_mb(pid) for pid in pool)
        totals = DigestRun.objects.aggregate(emails=Sum("emails_sent"), jobs=Sum("sent"))
    finally:
        workers.stop_worker(worker)
    return {
        "emails": totals["emails"],
        "jobs_sent": totals["jobs"],
        "seconds": elapsed,
        "emails_per_s": totals["emails"] / elapsed,
        "plan_seconds": (run.planned_at - run.started_at).total_seconds(),
        "rss_mb": rss,
        # The product's own CPU: the worker processes (planning included) and the database
        # backends serving them; the SMTP server and this driver are not counted.
        "sender_ms": 1000 * sender.seconds / max(totals["emails"], 1),
        "postgres_ms": 1000 * postgres.seconds / max(totals["emails"], 1),
        # Not the product's: the local SMTP server's CPU per email (0 with sending off).
        "smtp_ms": 1000 * smtp_seconds / max(totals["emails"], 1),
    }


def median_run(runs: list[dict]) -> dict:
    """The run with the median emails/s, with every run kept beside it."""
    ordered = sorted(runs, key=lambda run: run["emails_per_s"])
    return {**ordered[len(ordered) // 2], "all_runs": runs}


def reference_seconds() -> float:
    """CPU seconds of a fixed piece of pure-Python work (the median of three): this virtual
    machine's speed varies with its host's load, which the load average does not show, and
    CPU per email varies with it (a similar loop took 0.39-0.43 s at one time here and
    0.40-0.67 s at another, with nothing else running on this machine)."""
    timings = []
    for _ in range(3):
        started = time.process_time()
        json_by_key = {str(i): json.dumps({"s": i}) for i in range(200_000)}
        timings.append(time.process_time() - started)
        del json_by_key
    return sorted(timings)[1]


def measure(n_subscribers: int, n_jobs: int, with_off: bool, repeat: int, sinks: list[str]) -> dict:
    from tests.notifications.smtp import free_port

    t0 = time.monotonic()
    load_before, reference_before = os.getloadavg()[0], reference_seconds()
    alerts = build(n_subscribers, n_jobs)
    build_seconds = time.monotonic() - t0
    print(
        f"{n_subscribers} subscribers, {alerts} alerts, {n_jobs} jobs: "
        f"built in {build_seconds:.0f} s",
        file=sys.stderr,
    )

    result = {"subscribers": n_subscribers, "alerts": alerts, "jobs": n_jobs}
    if with_off:
        dummy = {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
        result["off"] = median_run([timed_run(dummy, "off") for _ in range(repeat)])
        print(f"  sending off: {result['off']}", file=sys.stderr)
    servers = [SmtpSink(kind, free_port()) for kind in sinks]
    runs = {kind: [] for kind in sinks}
    try:
        for server in servers:
            server.start()
        for i in range(repeat):
            # Interleaved, the order alternating, so a change in the machine's load falls on
            # both servers alike.
            for server in servers if i % 2 == 0 else servers[::-1]:
                to_smtp = {
                    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "EMAIL_HOST": "127.0.0.1",
                    "EMAIL_PORT": str(server.port),
                }
                run = timed_run(to_smtp, f"smtp-{server.kind}", server)
                runs[server.kind].append(run)
                print(
                    f"  SMTP run, {server.kind}: {_run_summary(run)}; the SMTP server "
                    f"{run['smtp_ms']:.2f} ms per email",
                    file=sys.stderr,
                )
        for server in servers:
            emails = sum(run["emails"] for run in runs[server.kind])
            assert server.count == emails, f"{server.kind} must have received every email"
    finally:
        for server in servers:
            server.stop()
    smtp = {kind: median_run(kind_runs) for kind, kind_runs in runs.items()}
    for kind, median in smtp.items():
        print(f"  SMTP, {kind}: {median}", file=sys.stderr)
    if len(sinks) == 2:
        result["ratio"] = paired_ratio(runs[sinks[1]], runs[sinks[0]])
        print(
            f"  {sinks[1]} / {sinks[0]}: emails/s x{result['ratio'][0]:.2f}, "
            f"product CPU per email x{result['ratio'][1]:.2f}",
            file=sys.stderr,
        )
    return {
        **result,
        "smtp": smtp,
        "load": (load_before, os.getloadavg()[0]),
        "reference": (reference_before, reference_seconds()),
    }


def paired_ratio(runs: list[dict], baseline: list[dict]) -> tuple[float, float]:
    """Median over the repeats of run / baseline run (measured next to each other): emails/s
    and the product's CPU per email."""
    return (
        statistics.median(
            [r["emails_per_s"] / b["emails_per_s"] for r, b in zip(runs, baseline, strict=True)]
        ),
        statistics.median(
            [_product_ms(r) / _product_ms(b) for r, b in zip(runs, baseline, strict=True)]
        ),
    )


# --- report ---------------------------------------------------------------------------------------


def _product_ms(run: dict) -> float:
    return run["sender_ms"] + run["postgres_ms"]


def _run_summary(run: dict) -> str:
    """One run as the table's last column shows it: emails/s and CPU per email."""
    return f"{run['emails_per_s']:.0f}/s {_product_ms(run):.2f} ms"


def _sending_rate(mode: dict) -> float:
    """Emails per second once planning is done: the sending phase alone."""
    return mode["emails"] / (mode["seconds"] - mode["plan_seconds"])


def report(results: list[dict], database: str, broker: str, repeat: int) -> str:
    rows = []
    for r in results:
        off = r.get("off")
        off_cell = (
            f"{off['emails_per_s']:.0f} ({_sending_rate(off):.0f}); "
            f"{off['sender_ms']:.2f} + {off['postgres_ms']:.2f} ms"
            if off
            else "-"
        )
        for i, (kind, smtp) in enumerate(r["smtp"].items()):
            ratio = r.get("ratio") if i == 1 else None
            rows.append(
                f"| {r['subscribers']:,} | {r['alerts']:,} | {smtp['emails']:,} "
                f"| {smtp['jobs_sent']:,} | {kind} "
                f"| **{smtp['emails_per_s']:.0f}** ({_sending_rate(smtp):.0f}) "
                f"| **{_product_ms(smtp):.2f}** "
                f"({smtp['sender_ms']:.2f} + {smtp['postgres_ms']:.2f}); "
                f"{smtp['smtp_ms']:.2f} "
                f"| {f'×{ratio[0]:.2f}; ×{ratio[1]:.2f}' if ratio else '-'} "
                f"| {r['load'][0]:.2f} → {r['load'][1]:.2f}; "
                f"{r['reference'][0]:.2f} → {r['reference'][1]:.2f} s "
                f"| {off_cell} | {smtp['plan_seconds']:.1f} "
                f"| {' / '.join(f'{m:.0f}' for m in smtp['rss_mb'])} "
                f"| {' / '.join(f'{m:.0f}' for m in off['rss_mb']) if off else '-'} "
                f"| {', '.join(_run_summary(run) for run in smtp['all_runs'])} |"
            )
    cpu = os.cpu_count()
    return "\n".join(
        [
            BEGIN,
            "## Digests (`bench/digest_bench.py`)",
            "",
            f"One INSTANT digest run for 300 newly published jobs, confirmed subscribers with 1-3 "
            f"alerts each (random disciplines at two levels, roles, countries, keywords, remote), "
            f"a real `celery -A config worker --concurrency=2` (two worker processes) on {broker}, "
            f"{database}, {cpu} CPU cores shared with the database, the SMTP server and the "
            f"driver. emails/s counts from queuing the run to the last ledger row marked sent, "
            f"planning (matching with one INSERT ... SELECT per 100 jobs) included. "
            f'"Sending off" (measured up to 10,000 subscribers unless `--off-up-to` says '
            f"otherwise, to keep the whole bench short) uses Django's dummy backend: matching, "
            f"claiming, rendering and ledger writes without SMTP, with its CPU per email. In "
            f"brackets: the sending phase alone (after planning). The local SMTP server, in a "
            f"process of its own, is aiosmtpd (counting what it accepts) or `minimal` "
            f"(bench/smtp_sink.py: real SMTP, every byte received, about a fifth of "
            f"aiosmtpd's CPU), so that "
            f"the product's own throughput shows on a machine whose cores the SMTP server "
            f"would otherwise share (a production relay runs elsewhere). Each "
            f"mode ran {repeat} time(s) from the same vacuumed state, the two SMTP servers "
            f"interleaved; the table shows the median run and the last column every run's "
            f"emails/s and CPU per email to SMTP; × aiosmtpd is the median over the repeats "
            f"of minimal / aiosmtpd, each pair measured one after the other. Peak RSS "
            f"is each worker process's VmHWM. CPU per email is the product's own: utime + "
            f"stime from /proc of the worker's processes (planning included) plus the "
            f"PostgreSQL backends serving the bench database, divided by the emails sent; the "
            f"driver is not counted; the SMTP server's is "
            f"shown after the semicolon, as it shares the machine's cores. CPU time is less "
            f"sensitive to a busy machine than emails/s, which needs a load average under 1 "
            f"to mean much. The "
            f"reference work is a fixed piece of pure Python timed before and after (CPU "
            f"seconds): it shows how fast the host let this machine run.",
            "",
            "| subscribers | alerts | emails | jobs delivered | SMTP server | emails/s to SMTP "
            "| CPU per email, ms (sender + PostgreSQL); SMTP server "
            "| × aiosmtpd (emails/s; CPU per email) "
            "| load average (1 min); reference work (before → after) "
            "| emails/s sending off; CPU per email (sender + PostgreSQL) "
            "| planning s | peak RSS per worker, MB (SMTP) | peak RSS per worker, MB (off) "
            "| every run to SMTP: emails/s, CPU per email |",
            "|---:|---:|---:|---:|---|---:|---:|---:|---|---:|---:|---|---|---|",
            *rows,
            "",
            "Command: `.venv/bin/python bench/digest_bench.py` (`--subscribers`, `--jobs`, "
            "`--repeat`, `--off-up-to`, `--sink`, `--database-url`, `--no-write`).",
            END,
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "sqlite:////tmp/digest-bench.sqlite3"),
    )
    parser.add_argument(
        "--off-up-to",
        type=int,
        default=10_000,
        help="Measure the sending-off mode only for sizes up to this many subscribers (time).",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="Runs per mode; the median is reported."
    )
    parser.add_argument(
        "--sink",
        choices=["aiosmtpd", "minimal", "both"],
        default="both",
        help="The local SMTP server; both: each, interleaved, with their ratio.",
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    sinks = ["aiosmtpd", "minimal"] if args.sink == "both" else [args.sink]
    configure(args.database_url)
    from django.db import connection

    database = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    broker = "Redis" if os.environ.get("REDIS_URL") else "kombu's filesystem transport"
    started = time.monotonic()
    print(f"load average: {os.getloadavg()}", file=sys.stderr)
    results = []
    for n in args.subscribers:
        results.append(measure(n, args.jobs, n <= args.off_up_to, args.repeat, sinks))
        # Written after each size, so a long run leaves the figures it has.
        text = report(results, database, broker, args.repeat)
        if not args.no_write:
            write_section(BEGIN, END, text)
            print(f"wrote the Digests section of {DOC}", file=sys.stderr)
    print(text)
    print(f"load average now: {os.getloadavg()}", file=sys.stderr)
    print(f"the bench took {(time.monotonic() - started) / 60:.1f} minutes", file=sys.stderr)


if __name__ == "__main__":
    main()
