"""gunicorn's settings for the web container (Dockerfile, docker-compose.yml; docs/deploy.md).

Workers are gunicorn's own asyncio ASGI workers running Django's ASGI application, not sync
workers: a sync worker reads a request's body itself, so one client sending its body a byte a
second holds the whole worker, and a handful of such clients stall the site. Here the event
loop reads every body as it arrives and Django runs a view only once its request is complete,
so slow clients cost a socket each, not a worker (tests/cms/test_gunicorn.py shows it with the
real server). The application (config/asgi.py) runs the synchronous views in one thread per
worker, so a worker answers one view at a time: scale with WEB_CONCURRENCY.
"""

import os

wsgi_app = "config.asgi:application"
worker_class = "asgi"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Under Django's own ASGI handler every request ran its synchronous code in a thread of its
# own, so a connection kept for reuse (CONN_MAX_AGE) stayed open in a thread that was gone: 30
# requests left 10 PostgreSQL connections open on one worker. Each request's connection is
# still closed (PgBouncer in front of PostgreSQL makes connecting cheap; docs/deploy.md).
raw_env = ["CONN_MAX_AGE=0"]

# Open connections per worker, slow ones included; past this a worker stops accepting.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))
# A worker silent this long is killed and replaced; requests themselves are bounded by the
# GraphQL time budget (GRAPHQL_MAX_SECONDS) well before this.
timeout = 30
graceful_timeout = 30
keepalive = 5

# The request line and headers: gunicorn's defaults, written out because they are the limits.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# TLS ends at the proxy in front; X-Forwarded-Proto from it is trusted (Django's
# SECURE_PROXY_SSL_HEADER). The container is reachable only through that proxy.
forwarded_allow_ips = "*"
accesslog = "-"
