"""The web server as the image runs it: gunicorn with the committed gunicorn.conf.py and the
production settings, on a local port, against the test database. Slow clients must not hold
the workers, and the body limits must fit what the API promises employers."""

import socket
import threading
from pathlib import Path

import pytest
import requests

from tests import processes
from tests.notifications.smtp import free_port
from tests.processes import wait_for

ROOT = Path(__file__).resolve().parents[2]
# serialized_rollback as every other transactional test: a flush without it recreates the
# content types, which the next serialized test then cannot load again.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

JOBS_QUERY = '{"query": "{ jobs { pagination { total } } }"}'


@pytest.fixture
def gunicorn(tmp_path):
    """`gunicorn -c gunicorn.conf.py` with two workers, as the Dockerfile starts it."""
    with processes.gunicorn(tmp_path, free_port()) as url:
        yield url


class SlowClient(threading.Thread):
    """Sends a POST's headers, then its body one byte a second until told to stop."""

    def __init__(self, port: int, length: int = 120):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.length = length
        self.sent = 0
        self.stop = threading.Event()

    def run(self):
        self.sock.sendall(
            b"POST /graphql/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\n"
            + f"Content-Length: {self.length}\r\n\r\n".encode()
        )
        while self.sent < self.length and not self.stop.wait(1):
            self.sock.sendall(b" ")
            self.sent += 1

    def close(self):
        self.stop.set()
        self.join(timeout=5)
        self.sock.close()


def test_two_slow_bodies_do_not_hold_up_a_normal_query(gunicorn):
    port = int(gunicorn.rsplit(":", 1)[1])
    slow = [SlowClient(port), SlowClient(port)]
    try:
        for client in slow:
            client.start()
        # Both are connected and trickling: with sync workers each would now hold a worker.
        wait_for(lambda: all(client.sent >= 2 for client in slow), 30, "the slow clients")
        response = requests.post(
            f"{gunicorn}/graphql/",
            data=JOBS_QUERY,
            headers={"content-type": "application/json"},
            timeout=20,  # a failure bound only; sync workers would wait for the slow bodies
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"data": {"jobs": {"pagination": {"total": 0}}}}
        # The slow clients were still sending while the query was answered.
        assert all(client.is_alive() and client.sent < client.length for client in slow)
    finally:
        for client in slow:
            client.close()


def test_requests_leave_no_database_connections_behind(gunicorn):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("counts PostgreSQL's connections")
    for _ in range(20):
        response = requests.post(
            f"{gunicorn}/graphql/",
            data=JOBS_QUERY,
            headers={"content-type": "application/json"},
            timeout=20,
        )
        assert response.status_code == 200, response.text

    def others() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0]

    # A backend of an earlier test's process may still be closing: wait for it, not for time.
    wait_for(lambda: others() == 0, 15, "no connection left but the test's own")
