"""Production: refuses to start without a secret of its own; secure cookies, HSTS, CORS for
the configured frontends, JSON logs, and any email service provider through django-anymail."""

from email.utils import parseaddr

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

from .base import *  # noqa: F403
from .base import (
    CORS_ALLOWED_ORIGINS,
    DEFAULT_FROM_EMAIL,
    EMAIL_DKIM_DOMAIN,
    EMAIL_DKIM_PRIVATE_KEY,
    EMAIL_DKIM_SELECTOR,
    PUBLISHED_SECRET_KEYS,
    SECRET_KEY,
)

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
if SECRET_KEY in PUBLISHED_SECRET_KEYS or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "SECRET_KEY is a development key published with the code; set your own: "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

DEBUG = env_bool("DEBUG", False)

# --- HTTPS: TLS ends at the proxy, which says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes speak plain HTTP to the container
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- CORS: browsers on the listed frontend origins may call /graphql/ (base.py reads
# CORS_ALLOWED_ORIGINS and limits CORS to that URL). No credentials: the API is anonymous.
CORS_ALLOW_CREDENTIALS = False
CORS_PREFLIGHT_MAX_AGE = env_int("CORS_PREFLIGHT_MAX_AGE", 86400)
if "*" in CORS_ALLOWED_ORIGINS:
    raise ImproperlyConfigured("CORS_ALLOWED_ORIGINS takes origins (https://host), not '*'.")

# --- The sender: receivers drop mail from a domain that cannot be theirs (no SPF or DKIM
# record can exist for localhost), so digests would vanish without an error anywhere.
_from_local, _at, _from_domain = parseaddr(DEFAULT_FROM_EMAIL)[1].rpartition("@")
_from_domain = _from_domain.lower().rstrip(".")
if (
    not (_from_local and _at)
    or _from_domain in ("", "localhost")
    or _from_domain.endswith((".localhost", ".local"))
):
    raise ImproperlyConfigured(
        f"DEFAULT_FROM_EMAIL must be an address at your own domain, not {DEFAULT_FROM_EMAIL!r}."
    )

# DKIM takes all three or none: a half-configured key would send unsigned mail silently.
_dkim = (EMAIL_DKIM_PRIVATE_KEY, EMAIL_DKIM_SELECTOR, EMAIL_DKIM_DOMAIN)
if any(_dkim) and not all(_dkim):
    raise ImproperlyConfigured(
        "Set all of EMAIL_DKIM_PRIVATE_KEY, EMAIL_DKIM_SELECTOR and EMAIL_DKIM_DOMAIN, or none."
    )

# --- Email through an ESP's HTTP API: django-anymail, configured in base.py (ANYMAIL_*).

# --- Logs: one JSON object per line on stderr, for the platform's log collector.
# cms.graphql.requests writes one line per GraphQL request (cms/request_log.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "cms.log_format.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "cms.graphql.requests": {"level": env_str("GRAPHQL_LOG_LEVEL", "INFO")},
    },
}
