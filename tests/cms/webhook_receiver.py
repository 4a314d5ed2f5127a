"""A frontend's webhook endpoint for tests: a real HTTP server on a free local port that
verifies requests the Standard Webhooks way, with the reference library."""

import base64
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError

from config.celery import app as celery_app

SECRET = "whsec_" + base64.b64encode(b"webhook-test-key-32-bytes-long!!").decode()


class Receiver:
    """A frontend's revalidation endpoint: checks the signature like a real receiver would."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []  # status codes to answer, in order; then 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = dict(self.headers.items())
                try:
                    Webhook(SECRET).verify(body, headers)
                    valid = True
                except WebhookVerificationError:
                    valid = False
                receiver.requests.append(
                    {
                        "valid": valid,
                        "event": self.headers.get("X-Webhook-Event"),
                        "delivery": self.headers.get("webhook-id"),
                        "headers": headers,
                        "body": body,
                        "payload": json.loads(body),
                    }
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                if not valid:
                    status = 401
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"nope")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/revalidate"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def receiving_webhooks(settings, monkeypatch, **more_settings):
    """A `Receiver` the project's webhooks go to (pytest-django's `settings`, and any
    `more_settings`), with the webhook tasks run eagerly (retries at once); the digest e2e
    tests use a worker instead."""
    server = Receiver()
    settings.WEBHOOK_URLS = [server.url]
    settings.WEBHOOK_SECRET = SECRET
    for name, value in more_settings.items():
        setattr(settings, name, value)
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)
    try:
        yield server
    finally:
        server.close()
