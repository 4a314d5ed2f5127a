"""Test settings: fast hashing, isolated cache, deterministic clock zone."""

import atexit
import os

from config.env import env_str

from .base import *  # noqa: F403
from .base import DATABASES, PUBLISHED_SECRET_KEYS, REDIS_URL, VAR_DIR

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", PUBLISHED_SECRET_KEYS[1])
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
GRAPHQL_ENABLE_GRAPHIQL = True
GRAPHQL_ENABLE_INTROSPECTION = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so end-to-end tests can hand the test database to a worker
    # process; one file per pytest process so parallel runs in one checkout never share it.
    _test_db_dir = VAR_DIR / "test-databases"
    _test_db_dir.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(_test_db_dir / f"test-{os.getpid()}.sqlite3")}

    def _remove_test_databases(only_pid=None):
        """Delete this process's file at exit, and files left by processes that are gone."""
        for path in _test_db_dir.glob("test-*.sqlite3*"):
            pid = int(path.name.split("-")[1].split(".")[0])
            if only_pid is not None and pid != only_pid:
                continue
            if only_pid is None:
                try:
                    os.kill(pid, 0)
                    continue  # still running
                except ProcessLookupError:
                    pass
                except PermissionError:
                    continue
            path.unlink(missing_ok=True)

    _remove_test_databases()
    atexit.register(_remove_test_databases, os.getpid())
