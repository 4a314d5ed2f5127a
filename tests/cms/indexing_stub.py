"""A stub of Google's Indexing API batch endpoint for tests: a real HTTP server on a free
local port that checks what Google checks (the Bearer token, the multipart/mixed batch of
`application/http` parts, each `POST /v3/urlNotifications:publish` with a JSON body of a URL
and a type) and answers in Google's batch format. Every accepted notification is logged."""

import email.parser
import email.policy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "test-access-token"
TYPES = {"URL_UPDATED", "URL_DELETED"}


class BadBatch(Exception):
    pass


def parse_batch(content_type: str, body: bytes) -> list[tuple[str, dict]]:
    """[(Content-ID, JSON body)] of a batch request, or BadBatch saying what is wrong."""
    if not content_type.startswith("multipart/mixed") or "boundary=" not in content_type:
        raise BadBatch(f"Content-Type {content_type!r} is not multipart/mixed with a boundary")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    parts = list(message.iter_parts())
    if not parts:
        raise BadBatch("no parts")
    if len(parts) > 100:
        raise BadBatch(f"{len(parts)} parts: at most 100 per batch")
    requests = []
    for part in parts:
        if part.get_content_type() != "application/http" or not part.get("Content-ID"):
            raise BadBatch("each part must be application/http with a Content-ID")
        http = part.get_payload(decode=True)
        head, _, payload = http.partition(b"\r\n\r\n")
        request_line, *headers = head.decode().split("\r\n")
        if request_line.split()[:2] != ["POST", "/v3/urlNotifications:publish"]:
            raise BadBatch(f"unexpected request line {request_line!r}")
        if "content-type: application/json" not in (h.lower() for h in headers):
            raise BadBatch("part body must be application/json")
        notice = json.loads(payload.strip())
        if set(notice) != {"url", "type"} or notice["type"] not in TYPES:
            raise BadBatch(f"bad notification {notice!r}")
        if not notice["url"].startswith(("http://", "https://")):
            raise BadBatch(f"not an absolute URL: {notice['url']!r}")
        requests.append((part["Content-ID"].strip("<>"), notice))
    return requests


class IndexingStub:
    def __init__(self):
        self.notifications: list[dict] = []  # accepted, in order
        self.batches: list[int] = []  # parts per accepted call
        self.errors: list[str] = []  # calls refused, and why
        self.answers: list[int] = []  # whole-call status codes to answer first, in order
        self.part_answers: dict[str, int] = {}  # url -> status for its part (default 200)
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path == "/token":
                    return self.token(body)
                if self.path != "/batch":
                    return self.answer(404, b"not found")
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    stub.errors.append("authorization")
                    return self.answer(401, b'{"error": {"code": 401}}')
                if stub.answers:
                    return self.answer(stub.answers.pop(0), b'{"error": {}}')
                try:
                    requests = parse_batch(self.headers.get("Content-Type", ""), body)
                except (BadBatch, ValueError, UnicodeDecodeError) as error:
                    stub.errors.append(str(error))
                    return self.answer(400, str(error).encode())
                stub.batches.append(len(requests))
                boundary = "batch_stub_boundary"
                out = []
                for content_id, notice in requests:
                    status = stub.part_answers.get(notice["url"], 200)
                    if status == 200:
                        stub.notifications.append(notice)
                        reply = {"urlNotificationMetadata": {"url": notice["url"]}}
                    else:
                        reply = {"error": {"code": status}}
                    text = json.dumps(reply)
                    out.append(
                        f"--{boundary}\r\nContent-Type: application/http\r\n"
                        f"Content-ID: <response-{content_id}>\r\n\r\n"
                        f"HTTP/1.1 {status} X\r\nContent-Type: application/json; charset=UTF-8\r\n"
                        f"Content-Length: {len(text)}\r\n\r\n{text}\r\n"
                    )
                out.append(f"--{boundary}--\r\n")
                self.answer(200, "".join(out).encode(), f"multipart/mixed; boundary={boundary}")

            def token(self, body):
                """Google's OAuth token endpoint for a service account: a JWT assertion signed
                with the account's key, for the indexing scope, exchanged for a token."""
                from urllib.parse import parse_qs

                from google.auth import jwt

                form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                try:
                    # google-auth addresses the assertion to Google's token endpoint whatever
                    # the key's token_uri (where it is POSTed) says.
                    claims = jwt.decode(
                        form["assertion"],
                        certs=stub.public_key_pem,
                        audience="https://oauth2.googleapis.com/token",
                    )
                    assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
                    assert claims["scope"] == "https://www.googleapis.com/auth/indexing"
                except Exception as error:  # any flaw: refused, like Google would
                    stub.errors.append(f"token: {error!r}")
                    return self.answer(400, b'{"error": "invalid_grant"}')
                stub.tokens_issued += 1
                reply = {"access_token": TOKEN, "expires_in": 3600, "token_type": "Bearer"}
                self.answer(200, json.dumps(reply).encode())

            def answer(self, status, body, content_type="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.token_uri = self.url + "/token"
        self.public_key_pem = b""  # set by service_account_file()
        self.tokens_issued = 0
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def service_account_file(self, path) -> str:
        """Write a service account's JSON key (a fresh RSA key) whose token endpoint is this
        stub's; returns its path."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public_key_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        info = {
            "type": "service_account",
            "project_id": "test",
            "private_key_id": "test-key",
            "private_key": private_pem,
            "client_email": "indexing@test.iam.gserviceaccount.com",
            "client_id": "1",
            "token_uri": self.token_uri,
        }
        path.write_text(json.dumps(info))
        return str(path)

    def log(self) -> list[tuple[str, str]]:
        return [(n["type"], n["url"]) for n in self.notifications]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
