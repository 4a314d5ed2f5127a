"""A frontend's webhook endpoint for tests: a real HTTP server on a free local port."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "webhook-test-secret"


class Receiver:
    """A frontend's revalidation endpoint: checks the signature like a real receiver would."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []  # status codes to answer, in order; then 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                signature = self.headers.get("X-Webhook-Signature", "")
                receiver.requests.append(
                    {
                        "valid": hmac.compare_digest(expected, signature),
                        "event": self.headers.get("X-Webhook-Event"),
                        "delivery": self.headers.get("X-Webhook-Delivery"),
                        "payload": json.loads(body),
                    }
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                if not hmac.compare_digest(expected, signature):
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
