"""A minimal SMTP server that accepts every message and counts it: a local relay that costs
little, so a bench on a small machine sees the sender's throughput rather than aiosmtpd's
(0.31-0.34 ms of CPU per digest email on the 2-core bench machine against aiosmtpd's 1.4-1.7;
about half of it is the kernel's loopback socket work for the four replies a message needs).

    .venv/bin/python bench/smtp_sink.py --port 2525    # prints its counts when stopped

It speaks enough SMTP for smtplib (so Django's SMTP EmailBackend), pipelined or not, many
messages per connection: 220 greeting; EHLO (PIPELINING, 8BITMIME, SMTPUTF8, SIZE), HELO,
MAIL, RCPT, DATA, RSET, NOOP, QUIT; anything else 502. DATA is read as raw bytes up to
CRLF.CRLF with one search per chunk received, then dot-unstuffed. Nothing is parsed, checked
or stored beyond the counts (and the messages themselves when a test asks to keep them).
Standard library only (asyncio).
"""

import argparse
import asyncio
import json
import signal

HOST_NAME = b"sink.localhost"
SIZE = 32 * 1024 * 1024
LINE_LIMIT = 8192  # a command line longer than this ends the connection
END_OF_DATA = b"\r\n.\r\n"
EHLO_REPLY = (
    b"250-" + HOST_NAME + b"\r\n"
    b"250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
    b"250 SIZE " + str(SIZE).encode() + b"\r\n"
)


class Sink:
    """What the server received: per number of recipients of a message, how many messages
    and how many bytes (dot-unstuffed, as the sender meant them)."""

    def __init__(self, keep: bool = False):
        self.stats: dict[int, list[int]] = {}
        self.messages = 0
        # (sender, recipients, message) of every message, when asked (tests)
        self.kept: list[tuple[bytes, list[bytes], bytes]] | None = [] if keep else None

    def received(self, sender: bytes, recipients: list[bytes], message: bytes) -> None:
        self.messages += 1
        counts = self.stats.setdefault(len(recipients), [0, 0])
        counts[0] += 1
        counts[1] += len(message)
        if self.kept is not None:
            self.kept.append((sender, recipients, message))


class SmtpProtocol(asyncio.Protocol):
    """One client connection. What arrives is appended to one byte buffer, from which whole
    command lines and whole messages are taken; the replies to everything taken from one
    chunk go back in one write (pipelined commands sent together are answered together)."""

    def __init__(self, sink: Sink):
        self.sink = sink
        self.buffer = bytearray()
        self.searched = 0  # where the next search for a line's or the message's end starts
        self.in_data = False
        self.sender: bytes | None = None
        self.recipients: list[bytes] = []

    def connection_made(self, transport):
        self.transport = transport
        transport.write(b"220 " + HOST_NAME + b" ESMTP sink\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        replies = []
        while not self.transport.is_closing() and (reply := self._next()) is not None:
            replies.append(reply)
            if reply.startswith((b"221", b"500")):
                self.transport.write(b"".join(replies))
                self.transport.close()
                return
        self.transport.write(b"".join(replies))

    def _next(self) -> bytes | None:
        """The reply to the next whole command or message in the buffer, or None."""
        if self.in_data:
            end = self.buffer.find(END_OF_DATA, self.searched)
            if end < 0:
                self.searched = max(0, len(self.buffer) - len(END_OF_DATA) + 1)
                return None
            # Up to and with the message's last CRLF; unstuffing sees every line's start.
            message = bytes(self.buffer[: end + 2]).replace(b"\r\n..", b"\r\n.")[2:]
            del self.buffer[: end + len(END_OF_DATA)]
            self.in_data, self.searched = False, 0
            self.sink.received(self.sender, self.recipients, message)
            self.sender, self.recipients = None, []
            return b"250 2.0.0 OK queued as %08X\r\n" % self.sink.messages
        end = self.buffer.find(b"\r\n", self.searched)
        if end < 0:
            self.searched = max(0, len(self.buffer) - 1)
            return b"500 5.5.6 Line too long\r\n" if len(self.buffer) > LINE_LIMIT else None
        line = bytes(self.buffer[:end])
        del self.buffer[: end + 2]
        self.searched = 0
        return self._command(line)

    def _command(self, line: bytes) -> bytes:
        verb = line.split(b" ", 1)[0].upper()
        if verb in (b"EHLO", b"HELO", b"RSET"):
            self.sender, self.recipients = None, []
            return {b"EHLO": EHLO_REPLY, b"HELO": b"250 " + HOST_NAME + b"\r\n"}.get(
                verb, b"250 2.0.0 OK\r\n"
            )
        if verb == b"MAIL":
            self.sender, self.recipients = line[5:], []
            return b"250 2.1.0 OK\r\n"
        if verb == b"RCPT":
            if self.sender is None:
                return b"503 5.5.1 MAIL first\r\n"
            self.recipients.append(line[5:])
            return b"250 2.1.5 OK\r\n"
        if verb == b"DATA":
            if not self.recipients:
                return b"503 5.5.1 RCPT first\r\n"
            # The CRLF that ended the DATA line counts as the first one of CRLF.CRLF, so
            # an empty message (a lone ".") is found too.
            self.buffer[:0] = b"\r\n"
            self.in_data = True
            return b"354 End data with <CR><LF>.<CR><LF>\r\n"
        if verb == b"NOOP":
            return b"250 2.0.0 OK\r\n"
        if verb == b"QUIT":
            return b"221 2.0.0 Bye\r\n"
        return b"502 5.5.2 Command not recognized\r\n"


async def serve(sink: Sink, host: str = "127.0.0.1", port: int = 0) -> asyncio.Server:
    """Start listening (port 0: any free one; see server.sockets[0].getsockname())."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: SmtpProtocol(sink), host, port)


async def _main(host: str, port: int) -> None:
    sink = Sink()
    server = await serve(sink, host, port)
    stopped = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stopped.set)
    async with server:
        await stopped.wait()
    print(json.dumps({"messages": sink.messages, "by_recipients": sink.stats}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    args = parser.parse_args()
    asyncio.run(_main(args.host, args.port))
