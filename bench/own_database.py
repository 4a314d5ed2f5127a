"""Django for a bench that writes to a PostgreSQL database of the caller's own
(`DATABASE_URL`): the dev settings, quiet logs, migrated."""

import os


def setup_django_on_own_postgres() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database of your own.")
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.dev", LOG_LEVEL="WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def measure_rolled_back(run, setup=None) -> dict:
    """Run `run()` (after `setup()`, not measured) in a transaction that is rolled back:
    {"result": what it returned, "statements": how many it sent, "cpu": seconds of this
    process and its PostgreSQL backend, "wall": seconds}."""
    import time

    from django.db import connection, transaction

    from bench.digest_bench import cpu_seconds

    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    with transaction.atomic():
        if setup:
            setup()
        own, theirs, started = time.process_time(), cpu_seconds(backend), time.monotonic()
        with connection.execute_wrapper(counting):
            result = run()
        measured = {
            "result": result,
            "statements": count[0],
            "cpu": time.process_time() - own + cpu_seconds(backend) - theirs,
            "wall": time.monotonic() - started,
        }
        transaction.set_rollback(True)
    return measured
