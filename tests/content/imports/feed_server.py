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
    drip: float = 0.0  # seconds between single bytes of the body (a drip server)
    length: bool = True  # send Content-Length (else the body ends when the connection does)


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1"):
        super().__init__((host, 0), _Handler)
        self.routes: dict[str, Response] = {}
        self.requests: list[dict] = []

    def url(self, path: str) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}{path}"

    @property
    def port(self) -> int:
        return self.server_address[1]


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
        if response.length:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        # The client may give up, as it should for an oversized or slow feed.
        with suppress(BrokenPipeError, ConnectionResetError):
            if not response.drip:
                self.wfile.write(response.body)
                return
            for byte in response.body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(response.drip)

    def log_message(self, format, *args):
        pass


@contextmanager
def feed_server(host: str = "127.0.0.1"):
    server = FeedServer(host)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
