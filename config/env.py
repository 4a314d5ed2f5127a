"""Typed readers for settings that come from environment variables."""

import json
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as err:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from err


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_json(name: str, default):
    """A JSON value (e.g. an object of per-provider settings)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return json.loads(raw)
    except ValueError as err:
        raise ImproperlyConfigured(f"{name} must be JSON, got {raw!r}") from err


DEV_SETTINGS = "config.settings.dev"


def read_dev_env_file() -> None:
    """Take `dev.py up`'s choices (base URLs, webhook secret) from var/dev.env as defaults.

    Called by the entry points (manage.py, Celery, WSGI/ASGI) before settings load, and only
    for the dev settings, so that every command run against the same var/ while `dev.py up`
    runs (or after it) links to the frontend it started. Variables already set win;
    DEV_ENV_FILE names another file, or none when empty (the test suite's child processes).
    """
    if os.environ.get("DJANGO_SETTINGS_MODULE") != DEV_SETTINGS:
        return
    path = os.environ.get("DEV_ENV_FILE")
    if path is None:
        var_dir = os.environ.get("VAR_DIR") or Path(__file__).resolve().parent.parent / "var"
        path = Path(var_dir) / "dev.env"
    if not path:
        return
    try:
        lines = Path(path).read_text().splitlines()
    except FileNotFoundError:
        return
    for line in lines:
        name, sep, value = line.partition("=")
        if sep and not name.startswith("#"):
            os.environ.setdefault(name.strip(), value)
