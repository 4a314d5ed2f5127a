"""Bench-only settings: the production settings, served over plain HTTP on loopback, with
Wagtail's REST API v2 and the floor view mounted next to /graphql/ (see bench/urls.py)."""

import os

# Production refuses to start without a secret; the bench server only listens on loopback.
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
# ...nor with a localhost sender; the bench sends no mail.
os.environ.setdefault("DEFAULT_FROM_EMAIL", "Bench <bench@bench.example>")

from config.settings.production import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False  # plain HTTP on 127.0.0.1
WAGTAILAPI_LIMIT_MAX = 100  # the REST API must be able to list a 50-job page in one request
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"handlers": [], "level": "WARNING"},
}
