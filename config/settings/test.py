"""Test settings: fast hashing, isolated cache, deterministic clock zone."""

from config.env import env_str

from .base import *  # noqa: F403
from .base import REDIS_URL, VAR_DIR

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "test-only-key")
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
