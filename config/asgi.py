"""Django's ASGI application for gunicorn's asgi workers (gunicorn.conf.py), one view at a time.

Django's own handler runs each request in a `ThreadSensitiveContext`, which gives every request
its synchronous code a thread of its own: a worker then runs as many views at once as it has
requests in flight, all sharing one interpreter lock. Every request's wall time then grows with
the others' CPU, and a request past its GraphQL time budget (GRAPHQL_MAX_SECONDS) reaches its
next look at the deadline that many times later: under 16 clients on 2 workers requests held
a worker seconds past a 1 s budget (bench/request_budget.py). Without that context, Django's
thread-sensitive code runs in asgiref's one shared thread, so a worker runs one view at a time
and the others wait, not yet started (their budgets start when their view reads them), while
the event loop still reads every body as it arrives, so slow clients cost a socket, not a view.
"""

import os

import django
from django.core.handlers.asgi import ASGIHandler

from config.env import read_dev_env_file


class OneViewAtATime(ASGIHandler):
    """Django's ASGIHandler without the per-request thread context (see the module doc)."""

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
read_dev_env_file()
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does
application = OneViewAtATime()
