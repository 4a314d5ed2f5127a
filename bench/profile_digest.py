"""Where a digest email's CPU goes, part by part, in the sending process and in its
PostgreSQL backend.

    .venv/bin/python bench/profile_digest.py --subscribers 2000

Builds the data set of bench/digest_bench.py (PostgreSQL from $DATABASE_URL), plans one
INSTANT run, then sends every batch in this process to an aiosmtpd server running in a
thread of its own. The sender's CPU is this thread's (time.thread_time), so the SMTP server
is not counted; the database's is the CPU time of this connection's backend process
(/proc/<pid>/schedstat, in nanoseconds), read around the parts that use the database. Each
part is timed by wrapping the function that does it, which adds a few microseconds per
call to the sender's figures. `--cprofile` prints cProfile's view (thread CPU as its clock) instead.
`--counts` prints deterministic counts per email instead of times, to compare versions on a
loaded machine: SQL statements (by kind) and Python function calls (cProfile's total).
`--capped RATE` gives the subscribers' domain a provider budget of RATE emails/s
(notifications/throttling.py; shared through Redis when $REDIS_URL is set), so the throttled
path is measured too: a RATE far above the sending rate costs the budget's calls, no waits.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.digest_bench import CountingHandler, build, configure, reset_run


class Backend:
    """CPU seconds the database backend has run (always 0 without one: SQLite), from
    /proc/<pid>/schedstat, read through a file descriptor kept open (about 1 µs a read)."""

    def __init__(self, pid: int | None):
        self.fd = os.open(f"/proc/{pid}/schedstat", os.O_RDONLY) if pid else None

    def seconds(self) -> float:
        if self.fd is None:
            return 0.0
        return int(os.pread(self.fd, 100, 0).split()[0]) / 1e9


NO_DATABASE = Backend(None)


def timed(owner, name: str, label: str, spent: dict, backend: Backend):
    """Wrap owner.name so its calls add (sender, database) CPU seconds to spent[label]."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.thread_time(), backend.seconds()
        try:
            return original(*args, **kwargs)
        finally:
            sender, database = spent[label]
            spent[label] = (
                sender + time.thread_time() - started[0],
                database + backend.seconds() - started[1],
            )

    setattr(owner, name, wrapper)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--counts", action="store_true")
    parser.add_argument(
        "--capped",
        type=float,
        default=0,
        help="give the subscribers' domain a provider budget of this many emails/s (shared "
        "through Redis with $REDIS_URL), so the throttled path is measured; 0: none",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the data set of the last run (no rebuild)"
    )
    args = parser.parse_args()
    configure(os.environ["DATABASE_URL"])
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.db import connection

    from notifications import accepted, digests, mime, sending
    from notifications.email import unsubscribe_url
    from tests.notifications.smtp import free_port

    if args.capped:
        settings.NOTIFICATIONS_DOMAIN_THROTTLES = {
            "bench": {"per_second": args.capped, "domains": ["bench.example.org"]}
        }
    if not args.reuse:
        build(args.subscribers, args.jobs)
    reset_run()
    backend = NO_DATABASE
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = Backend(cursor.fetchone()[0])
    spent: dict[str, tuple[float, float]] = defaultdict(lambda: (0.0, 0.0))
    if not (args.cprofile or args.counts):
        import smtplib

        from django.core.mail import message as django_message
        from django.core.mail.backends import smtp as django_smtp

        for owner, name, label, database in [
            (digests, "plan", "planning (per run)", backend),
            (digests, "run_digest", "planning + handing out batches (claims)", backend),
            (digests, "_renew_and_read", "renewing and reading a batch's rows", backend),
            (accepted, "record", "recording accepted emails", backend),
            (digests, "alert_titles", "alert names (per batch)", backend),
            (digests, "load_branding", "branding (per batch)", backend),
            (digests, "_settle_accepted", "marking rows sent (per batch)", backend),
            (digests, "_groups", "grouping, job fragments", NO_DATABASE),
            (digests, "digest_email", "digest_email: templates, token, links", NO_DATABASE),
            (sending, "send", "sending.send, all of it:", NO_DATABASE),
            (mime.Email, "message", "  Django's EmailMessage", NO_DATABASE),
            (mime.AlternativesEmail, "message", "  its MIME message (message())", NO_DATABASE),
            (django_message.MIMEMixin, "as_bytes", "  written out (email generator)", NO_DATABASE),
            (smtplib.SMTP, "sendmail", "  smtplib: MAIL, RCPT, DATA", NO_DATABASE),
            (django_smtp, "sanitize_address", "  envelope addresses parsed", NO_DATABASE),
        ]:
            timed(owner, name, label, spent, database)
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    batches = []
    digests.run_digest("INSTANT", force=True, send=lambda *batch: batches.append(batch))
    # The URL resolver's first use costs a third of a second, once per worker process: not
    # a cost per email.
    unsubscribe_url("warm-up")
    if args.counts:
        return print_counts(batches, controller, handler, connection)
    profile = cProfile.Profile(time.thread_time) if args.cprofile else None
    started = time.thread_time(), backend.seconds()
    if profile:
        profile.enable()
    for batch in batches:
        digests.send_batch(*batch)
    if profile:
        profile.disable()
    sender, database = time.thread_time() - started[0], backend.seconds() - started[1]
    controller.stop()
    emails = handler.count
    print(f"{emails} emails, load average {os.getloadavg()[0]:.2f}")
    print(f"{'ms of CPU per email':50} {'sender':>7} {'database':>9}")
    rows = [("sending the batches, all of it:", (sender, database)), *spent.items()]
    for label, (sender, database) in rows:
        print(f"  {label:48} {1000 * sender / emails:7.3f} {1000 * database / emails:9.3f}")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


def print_counts(batches, controller, handler, connection):
    """SQL statements and Python function calls per email, sending every batch."""
    from collections import Counter

    from django.test.utils import CaptureQueriesContext

    from notifications import digests, sending

    profile = cProfile.Profile()
    outside = cProfile.Profile()  # the same, without the email backend's send

    def send(smtp, email, send=sending.send):
        outside.disable()
        try:
            return send(smtp, email)
        finally:
            outside.enable()

    sending.send = send
    with CaptureQueriesContext(connection) as queries:
        outside.enable()
        for batch in batches:
            digests.send_batch(*batch)
        outside.disable()
    sending.send = send.__defaults__[0]
    reset_run()
    batches.clear()
    digests.run_digest("INSTANT", force=True, send=lambda *batch: batches.append(batch))
    with CaptureQueriesContext(connection) as queries:
        profile.enable()
        for batch in batches:
            digests.send_batch(*batch)
        profile.disable()
    controller.stop()
    emails = handler.count // 2  # each batch was sent twice
    calls = pstats.Stats(profile).total_calls
    kinds = Counter(query["sql"].split(None, 1)[0].upper() for query in queries.captured_queries)
    print(f"{emails} emails in {len(batches)} batches, load average {os.getloadavg()[0]:.2f}")
    print(f"  SQL statements per email {len(queries) / emails:8.3f}")
    for kind, count in sorted(kinds.items()):
        print(f"    {kind:22} {count / emails:8.3f}  ({count} in all)")
    print(f"  Python calls per email   {calls / emails:8.0f}")
    ours = pstats.Stats(outside).total_calls
    print(f"    outside sending.send   {ours / emails:8.0f}")
    if os.environ.get("PROFILE_SQL"):
        for query in queries.captured_queries[:40]:
            print("   ", query["sql"][:150])
    if os.environ.get("PROFILE_OURS"):
        pstats.Stats(outside).sort_stats("cumulative").print_stats(os.environ["PROFILE_OURS"], 40)
    if os.environ.get("PROFILE_TOP"):
        pstats.Stats(profile).sort_stats("ncalls").print_stats(int(os.environ["PROFILE_TOP"]))


if __name__ == "__main__":
    main()
