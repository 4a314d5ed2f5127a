"""Handing one of our emails to the configured email backend.

With Django's own SMTP backend the email's bytes go straight to the backend's smtplib
connection: building Django's message objects and parsing the addresses again for every
email cost more CPU than writing the email and the SMTP exchange together. Every other
backend (django-anymail's ESPs, the file and locmem backends, a subclass of the SMTP
backend that may send differently) gets Django's EmailMessage, as does an email the fast
path does not cover (`Email.as_bytes` says None). Both give the SMTP server the same
envelope and the same bytes (tests/notifications/test_sending.py).
"""

import re
import smtplib
from contextlib import suppress
from functools import lru_cache

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

from notifications.mime import Email


def send(connection, email: Email):
    """Send `email` over `connection` (an open backend); raises what the backend raises."""
    raw = email.as_bytes() if type(connection) is SMTPBackend else None
    if raw is None:
        connection.send_messages([email.message()])
        return
    _sendmail(connection.connection, settings.DEFAULT_FROM_EMAIL, email.to, raw)


# A plain address (dot-atoms, as our subscribers' are), which smtplib's address parser
# returns unchanged; anything else goes through the parser.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
)


def _envelope_address(address: str) -> str:
    """smtplib's `quoteaddr`: what Django's backend puts in MAIL FROM and RCPT TO."""
    return f"<{address}>" if _PLAIN_ADDRESS.fullmatch(address) else smtplib.quoteaddr(address)


# The sender's address, usually with a display name, is parsed once per process.
_sender_address = lru_cache(maxsize=8)(_envelope_address)


def _sendmail(smtp: smtplib.SMTP, sender: str, recipient: str, raw: bytes):
    """smtplib's `sendmail` for one recipient, with its replies, exceptions and resets, save
    two costs per email: addresses are not parsed each time (the sender's once per process,
    a plain recipient's not at all; tested equal), and the message is dot-stuffed only when
    a line starts with a dot (smtplib runs a regular expression over every message, which
    cost about as much as writing the MIME bytes)."""
    smtp.ehlo_or_helo_if_needed()
    size = f" size={len(raw)}" if smtp.does_esmtp and smtp.has_extn("size") else ""
    code, reply = smtp.docmd("mail", f"FROM:{_sender_address(sender)}{size}")
    if code != 250:
        _give_up(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = smtp.docmd("rcpt", f"TO:{_envelope_address(recipient)}")
    if code not in (250, 251):
        _give_up(smtp, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    code, reply = smtp.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    if raw.startswith(b".") or b"\n." in raw:
        raw = re.sub(rb"(?m)^\.", b"..", raw)
    smtp.send(raw + (b".\r\n" if raw.endswith(b"\r\n") else b"\r\n.\r\n"))
    code, reply = smtp.getreply()
    if code != 250:
        _give_up(smtp, code)
        raise smtplib.SMTPDataError(code, reply)


def _give_up(smtp: smtplib.SMTP, code: int):
    """What smtplib does after a refusal: close on 421 (the server is closing), otherwise
    reset the transaction, ignoring a connection already gone."""
    if code == 421:
        smtp.close()
        return
    with suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()
