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
