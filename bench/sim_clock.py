"""A movable clock for simulations (bench/year_bench.py): `django.utils.timezone.now()`
plus an offset, the way the tests move the clock (monkeypatching `timezone.now`), shared
with a Celery worker through Redis.

    sim_clock.install(); sim_clock.move_to(moment)       # in the driving process
    python -m bench.sim_clock worker --concurrency=2   # a worker whose clock follows it

Code that calls `timezone.now()` (or `timezone.localdate()`) sees the moved clock; Wagtail
reads its own imported `now`, so a simulation sets Wagtail's time fields itself."""

import datetime as dt
import os
import sys

from django.utils import timezone

KEY = "sim_clock:offset"
_real_now = timezone.now
_offset = dt.timedelta(0)


def now() -> dt.datetime:
    return _real_now() + _offset


def install():
    timezone.now = now


def move_to(moment: dt.datetime):
    global _offset
    _offset = moment - _real_now()
    _redis().set(KEY, _offset.total_seconds())


def _redis():
    import redis

    return redis.Redis.from_url(os.environ["REDIS_URL"])


def _follow(**kwargs):
    """Before each task: take the driver's offset."""
    global _offset
    _offset = dt.timedelta(seconds=float(_redis().get(KEY) or 0))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    install()
    from celery.signals import task_prerun

    from config.celery import app

    task_prerun.connect(_follow, weak=False)
    app.worker_main(["worker", *sys.argv[2:], "--without-gossip", "--without-mingle"])
