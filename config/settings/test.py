"""Test settings: fast hashing, isolated cache, deterministic clock zone."""

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
ANYMAIL = {"WEBHOOK_SECRET": "esp:test-webhook-secret"}  # mounts anymail's webhooks
# The suite asserts what a request answers, never how long it took: a busy test machine must
# not turn answers into 503s. The time-budget tests set their own budget and clock.
GRAPHQL_MAX_SECONDS = float(env_str("GRAPHQL_MAX_SECONDS", "60"))
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
    # tests/conftest.py makes the folder and removes the files of finished runs.
    TEST_DATABASE_DIR = VAR_DIR / "test-databases"
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_DATABASE_DIR / f"test-{os.getpid()}.sqlite3")}
