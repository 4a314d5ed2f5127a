"""bench/smtp_sink.py: Django's SMTP EmailBackend (smtplib) delivers through it, many
messages on one connection, every byte received as sent; pipelined commands work too."""

import asyncio
import socket
import threading
from contextlib import contextmanager

from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend

from bench.smtp_sink import Sink, serve


@contextmanager
def running_sink():
    """The sink on a free port, served by an event loop in a thread of this process."""
    sink, loop = Sink(keep=True), asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = asyncio.run_coroutine_threadsafe(serve(sink), loop).result(10)
    try:
        yield sink, server.sockets[0].getsockname()[1]
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def _message(body: str, to: list[str], cc: list[str] = ()) -> EmailMessage:
    # Fixed Date and Message-ID, so that message().as_bytes() is what the backend sends.
    return EmailMessage(
        subject="Neue Stellen: Ökologie",
        body=body,
        from_email="alerts@jobs.example.org",
        to=to,
        cc=list(cc),
        headers={"Date": "Tue, 08 Dec 2026 00:00:00 -0000", "Message-ID": f"<{len(body)}@x>"},
    )


def test_django_smtp_backend_delivers_many_messages_on_one_connection():
    dotted = ".starts with a dot\n..two dots\n.\nmiddle\n...\nend.\n"
    messages = [
        _message(dotted, ["a@example.org"]),
        _message("plain text\n" * 500, ["b@example.org"]),
        _message("ünïcödé text\n", ["c@example.org"], cc=["d@example.org"]),
        _message("no newline at the end", ["e@example.org"]),
    ]
    with running_sink() as (sink, port):
        backend = EmailBackend(host="127.0.0.1", port=port, use_tls=False, use_ssl=False)
        assert backend.send_messages(messages) == 4  # one connection opened for all four

    sent = [m.message().as_bytes(linesep="\r\n") for m in messages]
    received = [message for _, _, message in sink.kept]
    assert received[:3] == sent[:3]
    assert b"\r\n.starts with a dot\r\n..two dots\r\n.\r\nmiddle\r\n...\r\n" in received[0]
    # smtplib ends a message without a final line break with one
    assert received[3] == sent[3] + b"\r\n"
    assert [recipients for _, recipients, _ in sink.kept] == [
        [b"TO:<a@example.org>"],
        [b"TO:<b@example.org>"],
        [b"TO:<c@example.org>", b"TO:<d@example.org>"],
        [b"TO:<e@example.org>"],
    ]
    assert sink.messages == 4
    assert sink.stats == {
        1: [3, len(received[0]) + len(received[1]) + len(received[3])],
        2: [1, len(received[2])],
    }


def _replies(sock: socket.socket, count: int) -> list[bytes]:
    """The next `count` reply lines that end a reply (a code and a space)."""
    data = b""
    while sum(line[3:4] == b" " for line in data.split(b"\r\n")) < count:
        data += sock.recv(65536)
    return [line for line in data.split(b"\r\n") if line[3:4] == b" "]


def test_pipelined_commands_and_messages_sent_in_one_write():
    with running_sink() as (sink, port), socket.create_connection(("127.0.0.1", port)) as sock:
        assert _replies(sock, 1)[0].startswith(b"220 ")
        sock.sendall(
            b"EHLO client\r\nMAIL FROM:<s@x>\r\nRCPT TO:<r@x>\r\nDATA\r\n"
            b"line one\r\n..dot\r\n.\r\n"  # message and the next commands in one write
            b"MAIL FROM:<s@x>\r\nRCPT TO:<r@x>\r\nRCPT TO:<q@x>\r\nDATA\r\n"
            b".\r\n"  # an empty message
            b"VRFY r@x\r\nRSET\r\nNOOP\r\nQUIT\r\n"
        )
        codes = [reply[:3] for reply in _replies(sock, 14)]
    assert codes == [
        b"250",  # EHLO
        *(b"250", b"250", b"354", b"250"),
        *(b"250", b"250", b"250", b"354", b"250"),
        b"502",  # VRFY: not spoken here
        *(b"250", b"250", b"221"),
    ]
    assert [message for _, _, message in sink.kept] == [b"line one\r\n.dot\r\n", b""]
    assert sink.stats == {1: [1, 16], 2: [1, 0]}
