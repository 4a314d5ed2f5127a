"""DKIM signatures (dkimpy) on our emails, when EMAIL_DKIM_* configure a key. For plain
SMTP: an email service provider behind django-anymail signs with its own keys."""

import dkim
from django.conf import settings

# What a receiver's verdict relies on, RFC 8058's list headers included (a one-click
# unsubscribe is only honoured when the signature covers them).
SIGNED_HEADERS = [
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"mime-version",
    b"content-type",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
    b"list-id",
]


def configured() -> bool:
    key, selector, domain = (
        settings.EMAIL_DKIM_PRIVATE_KEY,
        settings.EMAIL_DKIM_SELECTOR,
        settings.EMAIL_DKIM_DOMAIN,
    )
    return bool(key and selector and domain)


def signed(raw: bytes, linesep: str) -> bytes:
    """The message with a DKIM-Signature header in front, or as it is without a key."""
    if not configured():
        return raw
    header = dkim.sign(
        raw,
        settings.EMAIL_DKIM_SELECTOR.encode(),
        settings.EMAIL_DKIM_DOMAIN.encode(),
        settings.EMAIL_DKIM_PRIVATE_KEY.encode(),
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=SIGNED_HEADERS,
        linesep=linesep.encode(),
    )
    return header + raw
