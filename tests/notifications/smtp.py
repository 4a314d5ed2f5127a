"""A real SMTP server (aiosmtpd) for tests, whose behaviour a test can steer."""

import asyncio
import email
import socket
import threading
from contextlib import contextmanager

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def job_titles(raw: bytes) -> list[str]:
    """The job titles listed in a digest's plain-text part."""
    message = email.message_from_bytes(raw)
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            return [line[2:] for line in text.splitlines() if line.startswith("* ")]
    return []


class SteerableHandler:
    """Accepts and records mail, unless told to refuse (4xx), bounce (5xx) or hold it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.accepted: list[tuple[str, bytes]] = []
        self.bounce: set[str] = set()
        self.refuse_next_rcpt = 0
        self.refuse_next_data = 0
        self.refusals = 0
        self.refuse_always: set[str] = set()  # 451 at DATA for mail to these, every time
        # 421 at RCPT for this many of the next addresses at each of these domains
        self.defer_domains: dict[str, int] = {}
        self.deferred: list[str] = []  # the addresses answered so
        self.hold_after: int | None = None  # hold every message after this many accepted
        self.holding = 0
        self.release = threading.Event()
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.bounce:
            return "550 5.1.1 No such mailbox"
        with self.lock:
            domain = address.rpartition("@")[2].lower()
            if self.defer_domains.get(domain, 0) > 0:
                self.defer_domains[domain] -= 1
                self.deferred.append(address)
                return "421 4.7.0 Try again later, closing connection"
            if self.refuse_next_rcpt > 0:
                self.refuse_next_rcpt -= 1
                self.refusals += 1
                return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse_always.intersection(envelope.rcpt_tos):
                self.refusals += 1
                return "451 4.3.0 Cannot take this message now"
            if self.refuse_next_data > 0:
                self.refuse_next_data -= 1
                self.refusals += 1
                return "421 4.3.2 Service not available, try again later"
            hold = self.hold_after is not None and len(self.accepted) >= self.hold_after
            if hold:
                self.holding += 1
        if hold:
            # The client waits for our answer; a test kills it meanwhile. Never accepted.
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Shutting down"
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.accepted.append((rcpt, envelope.content))
        return "250 OK"

    def received(self) -> dict[str, list[str]]:
        """Job titles per recipient, in order of arrival, duplicates kept."""
        with self.lock:
            messages = list(self.accepted)
        result: dict[str, list[str]] = {}
        for rcpt, raw in messages:
            result.setdefault(rcpt, []).extend(job_titles(raw))
        return result


@contextmanager
def smtp_server(handler: SteerableHandler | None = None):
    handler = handler or SteerableHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        handler.release.set()
        controller.stop()
