"""Where a digest email's CPU goes in the sending process, part by part.

    .venv/bin/python bench/profile_digest.py --subscribers 2000

Builds the data set of bench/digest_bench.py (PostgreSQL from $DATABASE_URL), plans one
INSTANT run, then sends every batch in this process to an aiosmtpd server running in a
thread of its own. CPU is this thread's (time.thread_time), so the SMTP server is not
counted; each part is timed by wrapping the function that does it. `--cprofile` prints
cProfile's view (thread CPU as its clock) instead.
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


def timed(owner, name: str, label: str, spent: dict):
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += time.thread_time() - started

    setattr(owner, name, wrapper)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--cprofile", action="store_true")
    args = parser.parse_args()
    configure(os.environ["DATABASE_URL"])
    from aiosmtpd.controller import Controller
    from django.conf import settings

    from notifications import digests, mime, sending
    from notifications.email import unsubscribe_url
    from tests.notifications.smtp import free_port

    build(args.subscribers, args.jobs)
    reset_run()
    spent: dict[str, float] = defaultdict(float)
    if not args.cprofile:
        for owner, name, label in [
            (digests, "alert_titles", "alert names (per batch)"),
            (digests, "load_branding", "branding (per batch)"),
            (digests, "_groups", "grouping, job fragments"),
            (digests, "digest_email", "digest_email: frames, token, links"),
            (sending, "send", "sending.send, all of it:"),
            (mime.Email, "as_bytes", "  MIME bytes (fast path)"),
            (mime.Email, "message", "  Django's EmailMessage (other path)"),
            (sending, "_sendmail", "  the SMTP exchange"),
            (digests, "_settle_accepted", "marking rows sent (per batch)"),
        ]:
            timed(owner, name, label, spent)
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
    profile = cProfile.Profile(time.thread_time) if args.cprofile else None
    started = time.thread_time()
    if profile:
        profile.enable()
    for batch in batches:
        digests.send_batch(*batch)
    if profile:
        profile.disable()
    total = time.thread_time() - started
    controller.stop()
    emails = handler.count
    print(f"{emails} emails, load average {os.getloadavg()[0]:.2f}")
    print(f"sending thread: {1000 * total / emails:.3f} ms CPU per email")
    for label, seconds in spent.items():
        print(f"  {label:40} {1000 * seconds / emails:.3f}")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
