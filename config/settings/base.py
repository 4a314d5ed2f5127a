"""Settings shared by every environment. Everything that differs comes from env vars."""

import os
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from config.env import env_bool, env_choice, env_int, env_json, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
# The keys dev.py and test.py fall back to are published in this repository: anyone can sign
# sessions, preview tokens and subscriber links with them, so production refuses them.
PUBLISHED_SECRET_KEYS = ("dev-only-insecure-key-do-not-use-in-production", "test-only-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "content",
    "notifications",
    "cms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "wagtail_headless_preview",
    "corsheaders",
    "anymail",  # its ESP backends, and its tracking webhooks (bounces, complaints) always
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cms.employer_access.EmployerAdminAccess",  # institution accounts see only their own
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: a SQLite file unless DATABASE_URL says otherwise.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and broker when REDIS_URL is set; embedded fallbacks otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ajc"),
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
else:
    # A file cache is shared by every local process (web, worker), unlike locmem.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Wagtail
WAGTAIL_SITE_NAME = env_str("SITE_NAME", "Academic Jobs")
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
# Admin avatars: Wagtail's default asks gravatar.com, which the admin must not reach.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Documents are always streamed by Wagtail's serve view after its collection check, never a
# redirect to the file's own URL; images and renditions go through cms/media.py. With
# MEDIA_ACCEL_REDIRECT (an internal proxy location, e.g. /protected-media/) the proxy sends the
# bytes after that check (docs/deploy.md).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
MEDIA_ACCEL_REDIRECT = env_str("MEDIA_ACCEL_REDIRECT", "")
# A document restricted to logged-in users sends visitors to the admin's login, not to a
# second login form of Wagtail's (cms/headless.py routes none).
WAGTAIL_FRONTEND_LOGIN_URL = "/admin/login/"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# --- GraphQL (the project's own schema on graphene; cms/graphql)
GRAPHQL_MAX_PAGE_SIZE = env_int("GRAPHQL_MAX_PAGE_SIZE", 100)
GRAPHQL_DEFAULT_PAGE_SIZE = 20
GRAPHQL_ENABLE_GRAPHIQL = env_bool("GRAPHQL_ENABLE_GRAPHIQL", DEBUG)
GRAPHQL_ENABLE_INTROSPECTION = env_bool("GRAPHQL_ENABLE_INTROSPECTION", DEBUG)
# Limits checked before a query runs and while it runs (cms/graphql/limits.py); see
# docs/api-security.md.
GRAPHQL_MAX_DEPTH = env_int("GRAPHQL_MAX_DEPTH", 10)
GRAPHQL_MAX_COST = env_int("GRAPHQL_MAX_COST", 20000)
GRAPHQL_MAX_BODY_BYTES = env_int("GRAPHQL_MAX_BODY_BYTES", 64 * 1024)
# Parsed documents kept per worker, by their estimated size (cms/graphql/documents.py).
GRAPHQL_DOCUMENT_CACHE_BYTES = env_int("GRAPHQL_DOCUMENT_CACHE_BYTES", 16 * 1024 * 1024)
GRAPHQL_MAX_RESPONSE_BYTES = env_int("GRAPHQL_MAX_RESPONSE_BYTES", 4 * 1024 * 1024)
# One request's time budget: checked between objects; each SQL statement gets what remains.
GRAPHQL_MAX_SECONDS = float(env_str("GRAPHQL_MAX_SECONDS", "3"))
# Which documents run (cms/graphql/trusted_documents.py): "any" document, or for anonymous
# clients only "trusted" ones, named by their documentId (published from the frontend's build
# with manage.py publish_trusted_documents). Sessions and employer API keys may send any.
GRAPHQL_TRUSTED_DOCUMENTS = env_choice("GRAPHQL_TRUSTED_DOCUMENTS", "any", ("any", "trusted"))
PREVIEW_TOKEN_MAX_AGE = env_int("PREVIEW_TOKEN_MAX_AGE", 3600)
# Anonymous query answers: kept this long in the shared cache (0 switches caching off; content
# changes invalidate at once, this bounds what expires without a signal), and this long by
# browsers and CDNs, which nothing can invalidate.
GRAPHQL_CACHE_SECONDS = env_int("GRAPHQL_CACHE_SECONDS", 300)
GRAPHQL_CACHE_MAX_AGE = env_int("GRAPHQL_CACHE_MAX_AGE", 60)
# Image renditions clients may ask for: each new one is image processing and a file on disk.
GRAPHQL_IMAGE_FILTERS = env_list(
    "GRAPHQL_IMAGE_FILTERS",
    [f"width-{w}{f}" for w in (320, 640, 960, 1280, 1920) for f in ("", "|format-webp")]
    + ["fill-1200x630"],
)

# --- Frontend integration
FRONTEND_BASE_URL = env_str("FRONTEND_BASE_URL", "")
# The admin's Preview opens PREVIEW_URL?content_type=...&token=... (the frontend then asks
# `job(token:)`, `guide(token:)`, ...). Without a frontend it opens the CMS's own preview
# page (cms/preview.py); relative, so it works on whatever host the admin is served from.
PREVIEW_URL = env_str("PREVIEW_URL", FRONTEND_BASE_URL) or "/preview/"
WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": {"default": PREVIEW_URL},
    "SERVE_BASE_URL": FRONTEND_BASE_URL or None,
    "REDIRECT_ON_PREVIEW": False,
    "ENFORCE_TRAILING_SLASH": True,
}
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/graphql/?$"
# Signed POSTs on publish, unpublish and expiry (cms/webhooks.py), e.g. to revalidate pages.
WEBHOOK_URLS = env_list("WEBHOOK_URLS")
WEBHOOK_SECRET = env_str("WEBHOOK_SECRET")
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_RETRY_SECONDS = env_int("WEBHOOK_RETRY_SECONDS", 30)  # doubles after each attempt
WEBHOOK_RETRY_MAX_SECONDS = env_int("WEBHOOK_RETRY_MAX_SECONDS", 3600)  # Celery's backoff cap
# Google's Indexing API (cms/google_indexing.py): off unless a service account's JSON key is
# given. The endpoint is a setting so that tests (and a staging site) can point it elsewhere.
GOOGLE_INDEXING_CREDENTIALS_FILE = env_str("GOOGLE_INDEXING_CREDENTIALS_FILE")
GOOGLE_INDEXING_ENDPOINT = env_str("GOOGLE_INDEXING_ENDPOINT", "https://indexing.googleapis.com")
GOOGLE_INDEXING_DAILY_QUOTA = env_int("GOOGLE_INDEXING_DAILY_QUOTA", 200)  # URLs per UTC day
GOOGLE_INDEXING_TIMEOUT = env_int("GOOGLE_INDEXING_TIMEOUT", 30)
GOOGLE_INDEXING_RETRY_SECONDS = env_int("GOOGLE_INDEXING_RETRY_SECONDS", 60)  # then doubling
GOOGLE_INDEXING_RETRY_MAX_SECONDS = env_int("GOOGLE_INDEXING_RETRY_MAX_SECONDS", 3600)
GOOGLE_INDEXING_MAX_RETRIES = env_int("GOOGLE_INDEXING_MAX_RETRIES", 8)  # then the sweep

# --- Email: Django's own setting names.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Academic Jobs <alerts@localhost>")
# The domain our emails' Message-ID and List-Id name: the sender's (production refuses a
# localhost sender), not this machine's host name.
NOTIFICATIONS_SENDING_DOMAIN = env_str(
    "NOTIFICATIONS_SENDING_DOMAIN", parseaddr(DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
)
# DKIM signature on every email sent over SMTP (an ESP through anymail signs for you): the
# private key as PEM (literal "\n" accepted for one-line env files), the selector and the
# domain of the public key's DNS record (<selector>._domainkey.<domain>).
EMAIL_DKIM_PRIVATE_KEY = env_str("EMAIL_DKIM_PRIVATE_KEY").replace("\\n", "\n")
EMAIL_DKIM_SELECTOR = env_str("EMAIL_DKIM_SELECTOR")
EMAIL_DKIM_DOMAIN = env_str("EMAIL_DKIM_DOMAIN")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend",
)

# django-anymail: an ESP's HTTP API as EMAIL_BACKEND (e.g. anymail.backends.mailgun.EmailBackend
# with ANYMAIL_MAILGUN_API_KEY=... ANYMAIL_MAILGUN_SENDER_DOMAIN=mg.example.org), and its
# tracking webhooks at /anymail/<esp>/tracking/ whatever the backend (bounces and complaints,
# notifications/bounces.py). Every ANYMAIL_<NAME> variable becomes ANYMAIL["<NAME>"]; the
# webhooks are mounted only with ANYMAIL_WEBHOOK_SECRET ("user:password", their basic auth).
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_")
}

# --- Celery: Redis when configured, kombu's filesystem transport otherwise.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    # kombu's filesystem transport does not create its folders; config/celery.py does.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcast (pidbox) exchanges; kombu's default is ./control in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection around every task unless this is set;
# a batch of digests would pay for a new PostgreSQL connection each time. Workers keep it as
# a web process does instead: config/celery.py drops it when past CONN_MAX_AGE or broken.
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A queue name of its own lets tests run an isolated worker on a shared broker.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
# Employers' feeds (untrusted input) run on a queue of their own, consumed by a worker of
# their own (docker-compose.yml `feeds-worker`): no feed can hold the slots of digests and
# webhooks. docs/deploy.md.
CELERY_FEEDS_QUEUE = env_str("CELERY_FEEDS_QUEUE", "feeds")
CELERY_TASK_ROUTES = {"content.tasks.*": {"queue": CELERY_FEEDS_QUEUE}}
# Time limits, per task (seconds): at the soft limit the task gets SoftTimeLimitExceeded and
# can record why it stopped; at the hard limit its pool process is killed and replaced.
# Chosen per task in docs/deploy.md; a task not listed gets the defaults.
FEEDS_TASK_SOFT_SECONDS = env_int("FEEDS_TASK_SOFT_SECONDS", 3600)  # fetch + import one feed
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
# Closed-job retention's own limit (content.tasks.delete_closed_jobs): it stops between
# batches before it, and the next night's run continues.
JOBS_RETENTION_TASK_SECONDS = env_int("JOBS_RETENTION_TASK_SECONDS", 1800)
TASK_TIME_LIMITS = {
    "content.tasks.run_feed": FEEDS_TASK_SOFT_SECONDS,
    "content.tasks.fetch_due_feeds": 60,
    "notifications.tasks.run_digest": 600,
    "notifications.tasks.send_batch": 900,
    "notifications.tasks.publish_scheduled": 300,
    "notifications.tasks.expire_unconfirmed_alerts": 300,
    "notifications.tasks.send_institution_notices": 300,
    "notifications.tasks.send_closing_soon_notices": 300,
    "content.tasks.delete_closed_jobs": JOBS_RETENTION_TASK_SECONDS,
    "cms.tasks.deliver_webhook": 120,
    "cms.tasks.send_google_indexing": 120,
}
CELERY_TASK_ANNOTATIONS = {
    name: {"soft_time_limit": soft, "time_limit": soft + 60}
    for name, soft in TASK_TIME_LIMITS.items()
}

# --- Job alerts and digests (notifications app; see docs/notifications.md)
NOTIFICATIONS_INSTANT_WINDOW_SECONDS = env_int("NOTIFICATIONS_INSTANT_WINDOW_SECONDS", 600)
NOTIFICATIONS_DAILY_HOUR = env_int("NOTIFICATIONS_DAILY_HOUR", 7)
NOTIFICATIONS_WEEKLY_DAY = env_str("NOTIFICATIONS_WEEKLY_DAY", "mon")
NOTIFICATIONS_SEND_RATE = env_int("NOTIFICATIONS_SEND_RATE", 0)  # emails/s per process; 0: no cap
# Per receiving mailbox provider (notifications/throttling.py): emails per second for the
# whole deployment when REDIS_URL is set (every worker process takes its slots from Redis);
# without Redis per sending process, so a worker with --concurrency=2 sends a provider up to
# twice this. A provider's domains share its budget, and a 4xx from one defers only that
# provider's mail. Any other domain is a provider of its own, capped by
# NOTIFICATIONS_DOMAIN_DEFAULT_RATE (0: no cap).
NOTIFICATIONS_DOMAIN_THROTTLES = {
    "gmail": {"per_second": 20, "domains": ["gmail.com", "googlemail.com"]},
    "outlook": {
        "per_second": 10,
        "domains": ["outlook.com", "hotmail.com", "live.com", "msn.com", "hotmail.co.uk"],
    },
    "yahoo": {
        "per_second": 10,
        "domains": ["yahoo.com", "ymail.com", "rocketmail.com", "aol.com", "yahoo.co.uk"],
    },
    "icloud": {"per_second": 10, "domains": ["icloud.com", "me.com", "mac.com"]},
    **env_json("NOTIFICATIONS_DOMAIN_THROTTLES", {}),
}
NOTIFICATIONS_DOMAIN_DEFAULT_RATE = env_int("NOTIFICATIONS_DOMAIN_DEFAULT_RATE", 0)
NOTIFICATIONS_BATCH_SIZE = env_int("NOTIFICATIONS_BATCH_SIZE", 500)  # subscribers per batch task
# How long a handed-out batch may wait in the queue, and how long a running one holds its
# rows without renewing (the recovery delay after a worker dies mid-batch).
NOTIFICATIONS_CLAIM_SECONDS = env_int("NOTIFICATIONS_CLAIM_SECONDS", 900)
NOTIFICATIONS_SENDING_LEASE_SECONDS = env_int("NOTIFICATIONS_SENDING_LEASE_SECONDS", 60)
NOTIFICATIONS_RETRY_BACKOFF_SECONDS = env_int("NOTIFICATIONS_RETRY_BACKOFF_SECONDS", 30)
NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS = env_int("NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS", 600)
NOTIFICATIONS_MAX_RETRIES = env_int("NOTIFICATIONS_MAX_RETRIES", 8)
# Transient failures of one email before its rows fail for good (a poison message).
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 10)
NOTIFICATIONS_PUBLIC_BASE_URL = env_str("NOTIFICATIONS_PUBLIC_BASE_URL", WAGTAILADMIN_BASE_URL)
NOTIFICATIONS_MANAGE_URL = env_str(
    "NOTIFICATIONS_MANAGE_URL",
    f"{FRONTEND_BASE_URL or WAGTAILADMIN_BASE_URL}/alerts/manage?token={{token}}",
)
# The visible confirm and unsubscribe links ({token}): the frontend's pages when there is a
# frontend, else "" for the CMS's own. List-Unsubscribe always names the CMS's endpoint.
NOTIFICATIONS_CONFIRM_URL = env_str(
    "NOTIFICATIONS_CONFIRM_URL",
    f"{FRONTEND_BASE_URL}/alerts/confirm/{{token}}/" if FRONTEND_BASE_URL else "",
)
NOTIFICATIONS_UNSUBSCRIBE_URL = env_str(
    "NOTIFICATIONS_UNSUBSCRIBE_URL",
    f"{FRONTEND_BASE_URL}/alerts/unsubscribe/{{token}}/" if FRONTEND_BASE_URL else "",
)
NOTIFICATIONS_JOB_URL = env_str(
    "NOTIFICATIONS_JOB_URL", f"{FRONTEND_BASE_URL or WAGTAILADMIN_BASE_URL}/jobs/{{slug}}/"
)
NOTIFICATIONS_LIST_ID = env_str(
    "NOTIFICATIONS_LIST_ID", f"Job alerts <job-alerts.{NOTIFICATIONS_SENDING_DOMAIN}>"
)
NOTIFICATIONS_UNSUBSCRIBE_MAILTO = env_str("NOTIFICATIONS_UNSUBSCRIBE_MAILTO")
NOTIFICATIONS_CONFIRM_MAX_AGE_SECONDS = env_int("NOTIFICATIONS_CONFIRM_MAX_AGE_SECONDS", 3 * 86400)
# Reading or changing alerts by token; unsubscribing works with a token of any age.
NOTIFICATIONS_MANAGE_MAX_AGE_SECONDS = env_int("NOTIFICATIONS_MANAGE_MAX_AGE_SECONDS", 180 * 86400)
NOTIFICATIONS_SIGNUPS_PER_IP_PER_HOUR = env_int("NOTIFICATIONS_SIGNUPS_PER_IP_PER_HOUR", 20)
NOTIFICATIONS_SIGNUPS_PER_EMAIL_PER_HOUR = env_int("NOTIFICATIONS_SIGNUPS_PER_EMAIL_PER_HOUR", 3)
# Unconfirmed alerts are deleted this long after they were made (notifications.tasks).
NOTIFICATIONS_UNCONFIRMED_MAX_AGE_SECONDS = env_int(
    "NOTIFICATIONS_UNCONFIRMED_MAX_AGE_SECONDS", 7 * 86400
)
# Bounces, complaints and the suppression list (docs/notifications.md, "Bounces").
# The secret of the suppression list's keyed hashes; changing it forgets the list: set once.
NOTIFICATIONS_SUPPRESSION_KEY = env_str("NOTIFICATIONS_SUPPRESSION_KEY", "")
# Plain SMTP: every email's envelope sender is bounces+<token>@NOTIFICATIONS_SENDING_DOMAIN
# (VERP), so DSNs reach the bounce receiver (manage.py receive_bounces) and name the
# recipient. Empty: the From address is the envelope sender and nothing is read.
NOTIFICATIONS_BOUNCE_LOCAL_PART = env_str("NOTIFICATIONS_BOUNCE_LOCAL_PART", "bounces")
NOTIFICATIONS_BOUNCE_RECEIVER_HOST = env_str("NOTIFICATIONS_BOUNCE_RECEIVER_HOST", "127.0.0.1")
NOTIFICATIONS_BOUNCE_RECEIVER_PORT = env_int("NOTIFICATIONS_BOUNCE_RECEIVER_PORT", 2525)
# Soft bounces (4.x.x, Action: delayed) suppress once this many arrive within the window.
NOTIFICATIONS_SOFT_BOUNCE_LIMIT = env_int("NOTIFICATIONS_SOFT_BOUNCE_LIMIT", 5)
NOTIFICATIONS_SOFT_BOUNCE_WINDOW_DAYS = env_int("NOTIFICATIONS_SOFT_BOUNCE_WINDOW_DAYS", 14)
# What a sign-up agrees to: the version of the consent text the sign-up form shows, recorded
# with each sign-up (docs/privacy.md). Change it whenever that text changes.
NOTIFICATIONS_CONSENT_VERSION = env_str("NOTIFICATIONS_CONSENT_VERSION", "2026-12-01")
# Retention (notifications/retention.py, daily from beat; docs/notifications.md): ledger rows,
# first-publication records and digest runs older than this are compacted or deleted.
NOTIFICATIONS_LEDGER_RETENTION_DAYS = env_int("NOTIFICATIONS_LEDGER_RETENTION_DAYS", 90)
# Wagtail's purge_revisions rule: revisions older than this that are neither the latest,
# scheduled nor in moderation are deleted (content.tasks.purge_revisions, daily).
REVISIONS_RETENTION_DAYS = env_int("REVISIONS_RETENTION_DAYS", 180)
# Job postings whose closing date (or expiry) passed this many days ago are deleted, with
# their revisions, search entries and log entries (content/retention.py, nightly); 0: kept.
JOBS_RETENTION_DAYS_AFTER_CLOSE = env_int("JOBS_RETENTION_DAYS_AFTER_CLOSE", 90)
# The reference frontend signs the visitor's address with this (cms/visitor.py); unset, the
# per-address sign-up limit counts the frontend's own address. Set the same value in both.
FRONTEND_SHARED_SECRET = env_str("FRONTEND_SHARED_SECRET", "")
RATELIMIT_IP_META_KEY = "cms.visitor.client_address"
# Views and apply clicks (cms/activity.py): counts from one address beyond this in an hour are
# not counted (the answer is the same); 0: no limit.
ACTIVITY_COUNTS_PER_ADDRESS_PER_HOUR = env_int("ACTIVITY_COUNTS_PER_ADDRESS_PER_HOUR", 120)

# --- Employers' job feeds (content/imports/feeds.py): limits on what one fetch may cost.
FEEDS_TIMEOUT_SECONDS = env_int("FEEDS_TIMEOUT_SECONDS", 15)  # connect, and each read
FEEDS_MAX_SECONDS = env_int("FEEDS_MAX_SECONDS", 120)  # the whole download
FEEDS_MAX_BYTES = env_int("FEEDS_MAX_BYTES", 100 * 1024 * 1024)
FEEDS_MAX_REDIRECTS = env_int("FEEDS_MAX_REDIRECTS", 3)
FEEDS_MAX_FAILURES = env_int("FEEDS_MAX_FAILURES", 3)  # consecutive failed runs pause a feed
# Feeds on loopback or private networks (an intranet HR system); off: URLs are untrusted input.
FEEDS_ALLOW_PRIVATE_ADDRESSES = env_bool("FEEDS_ALLOW_PRIVATE_ADDRESSES", False)

# --- What reading one imported file may cost (feeds, import_jobs, API batches):
# content/imports/budgets.py checks these on the raw bytes, before anything is built.
IMPORT_MAX_DEPTH = env_int("IMPORT_MAX_DEPTH", 32)  # JSON arrays/objects, XML elements
IMPORT_MAX_NUMBER_CHARS = env_int("IMPORT_MAX_NUMBER_CHARS", 64)
IMPORT_MAX_FIELD_BYTES = env_int("IMPORT_MAX_FIELD_BYTES", 1024 * 1024)  # a string, text or tag
IMPORT_MAX_RECORD_BYTES = env_int("IMPORT_MAX_RECORD_BYTES", 4 * 1024 * 1024)  # also a CSV line
IMPORT_MAX_RECORD_VALUES = env_int("IMPORT_MAX_RECORD_VALUES", 10_000)
IMPORT_MAX_RECORDS = env_int("IMPORT_MAX_RECORDS", 500_000)

CELERY_BEAT_SCHEDULE = {
    # Checks every minute; sends once the oldest pending job has waited the batching window.
    "instant-digest": {
        "task": "notifications.tasks.run_digest",
        "schedule": 60.0,
        "args": ["INSTANT"],
    },
    "daily-digest": {
        "task": "notifications.tasks.run_digest",
        "schedule": crontab(minute=0, hour=NOTIFICATIONS_DAILY_HOUR),
        "args": ["DAILY"],
    },
    "weekly-digest": {
        "task": "notifications.tasks.run_digest",
        "schedule": crontab(
            minute=0, hour=NOTIFICATIONS_DAILY_HOUR, day_of_week=NOTIFICATIONS_WEEKLY_DAY
        ),
        "args": ["WEEKLY"],
    },
    "publish-scheduled-pages": {
        "task": "notifications.tasks.publish_scheduled",
        "schedule": 180.0,
    },
    "expire-unconfirmed-alerts": {
        "task": "notifications.tasks.expire_unconfirmed_alerts",
        "schedule": 3600.0,
    },
    # Bounded growth: compact the delivery ledger, prune publication records and runs.
    "notifications-retention": {
        "task": "notifications.tasks.apply_retention",
        "schedule": crontab(minute=30, hour=3),
    },
    "purge-old-revisions": {
        "task": "content.tasks.purge_revisions",
        "schedule": crontab(minute=45, hour=3),
    },
    "delete-closed-jobs": {
        "task": "content.tasks.delete_closed_jobs",
        "schedule": crontab(minute=15, hour=3),
    },
    # Institutions' "closes in 3 days" notices: each posting once (a ledger), so hourly runs
    # only pick up postings that entered the window since.
    "institution-closing-soon-notices": {
        "task": "notifications.tasks.send_closing_soon_notices",
        "schedule": 3600.0,
    },
    "fetch-due-job-feeds": {
        "task": "content.tasks.fetch_due_feeds",
        "schedule": 300.0,
    },
    # What the day's quota or a failed send left pending (a no-op when not configured).
    "google-indexing-sweep": {
        "task": "cms.tasks.send_google_indexing",
        "schedule": 900.0,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
