"""The ASGI application (config/asgi.py) runs one view at a time per worker. Django's own
handler gives every request a thread of its own, so a worker ran all its requests at once:
their time budgets ran out while they waited for each other's CPU, and they overran them
(bench/request_budget.py). Counts only: how many views ran at the same moment."""

import asyncio
import json
import threading

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core.handlers.asgi import ASGIHandler

from cms.graphql import http as graphql_http
from config.asgi import OneViewAtATime


def scope() -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql/",
        "raw_path": b"/graphql/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


@pytest.mark.parametrize(("handler", "at_once"), [(OneViewAtATime, 1), (ASGIHandler, 2)])
def test_a_worker_runs_one_view_at_a_time(monkeypatch, handler, at_once):
    lock = threading.Lock()
    running = []  # views running now
    most = []
    second = threading.Event()  # set when two views run at once

    def run(request, graphql):
        with lock:
            running.append(request)
            most.append(len(running))
            if len(running) > 1:
                second.set()
        # Wait for a second view to start beside this one: a failure bound only, as with
        # one view at a time it never does.
        second.wait(0.5)
        with lock:
            running.remove(request)
        return {"data": {"__typename": "Query"}}

    monkeypatch.setattr(graphql_http, "run", run)

    async def two_requests():
        application = handler()
        communicators = []
        for query in ("{ __typename }", "{ a: __typename }"):
            communicator = ApplicationCommunicator(application, scope())
            body = json.dumps({"query": query}).encode()
            await communicator.send_input({"type": "http.request", "body": body})
            communicators.append(communicator)
        starts = [await c.receive_output(10) for c in communicators]
        for communicator in communicators:
            await communicator.receive_output(10)  # the body
            await communicator.wait(10)
        return [start["status"] for start in starts]

    assert asyncio.run(two_requests()) == [200, 200]
    assert max(most) == at_once
