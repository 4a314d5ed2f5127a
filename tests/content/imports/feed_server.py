"""A local HTTP server for feed tests: a thread on 127.0.0.1 serving what the test puts in
`routes` (path -> Response), recording the requests it received."""

import threading
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Response:
    body: bytes = b""
    status: int = 200
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a slow server)


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Response] = {}
        self.requests: list[dict] = []

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: FeedServer

    def do_GET(self):
        self.server.requests.append({"path": self.path, **dict(self.headers)})
        response = self.server.routes.get(self.path, Response(b"not found", 404))
        time.sleep(response.delay)
        etag = response.headers.get("ETag")
        if etag and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        # The client may give up, as it should for an oversized or slow feed.
        with suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(response.body)

    def log_message(self, format, *args):
        pass


@contextmanager
def feed_server():
    server = FeedServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
