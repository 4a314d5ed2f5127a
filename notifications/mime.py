"""Our emails' MIME form, written out in one pass.

Every email here has the same shape: a multipart/alternative of a text and an HTML part,
no attachments, no preamble. The standard library's generator handles any shape, and for a
digest it costs more CPU than rendering the templates and the SMTP exchange together (it
splits and re-joins every line and builds a Header object for every header). This writes
the same bytes for our shape; anything else goes to the standard generator. Either way the
result carries a DKIM signature when a key is configured (notifications/dkim.py).

`Email.as_bytes` goes one step further for the SMTP fast path (notifications/sending.py):
it writes the bytes Django's EmailMultiAlternatives would give, headers and their encoding
included, without building Django's message objects at all (tested byte for byte).
"""

import re
import uuid
from dataclasses import dataclass
from email.header import Header
from email.policy import compat32
from email.utils import formatdate, make_msgid
from functools import cache, lru_cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import (
    RFC5322_EMAIL_LINE_LENGTH_LIMIT,
    SafeMIMEMultipart,
    SafeMIMEText,
)
from django.core.mail.utils import DNS_NAME

from notifications.dkim import signed

NEWLINES = re.compile(r"\r\n|\r|\n")  # what email.generator treats as a line break

# Headers Django's message() places itself: given as extra headers they move or override,
# which only Django's own path reproduces.
_PLACED_BY_DJANGO = {"content-type", "mime-version", "subject", "from", "to", "cc", "reply-to"}
_PLACED_BY_DJANGO |= {"date", "message-id"}


@cache
def _folding(linesep: str):
    return compat32.clone(linesep=linesep)


def _header_lines(items, linesep: str) -> str:
    lines = []
    for name, value in items:
        if (
            isinstance(value, str)
            and value.isascii()
            and "\n" not in value
            and "\r" not in value
            and len(name) + len(value) + 2 <= compat32.max_line_length
        ):
            lines.append(f"{name}: {value}{linesep}")
        else:  # long or encoded values: the standard folding
            lines.append(_folding(linesep).fold(name, value))
    return "".join(lines)


def _with_linesep(text: str, linesep: str) -> str:
    """Every line break as `linesep`. Our templates write only "\n", and replacing it is
    many times faster than the regular expression needed when there is a "\r" as well."""
    if "\r" in text:
        return NEWLINES.sub(linesep, text)
    return text.replace("\n", linesep) if linesep != "\n" else text


def _multipart(headers, parts, boundary: str, linesep: str) -> bytes:
    """A multipart's bytes from its headers and (headers, text) parts."""
    out = [_header_lines(headers, linesep), linesep]
    for part_headers, payload in parts:
        out += [f"--{boundary}{linesep}", _header_lines(part_headers, linesep), linesep]
        out += [_with_linesep(payload, linesep), linesep]
    out.append(f"--{boundary}--{linesep}")
    # Headers are ASCII by now; a part is 7-bit, quoted-printable or 8-bit in its
    # charset, so encoding the whole text as UTF-8 gives the bytes of each.
    return "".join(out).encode("utf-8")


def _new_boundary() -> str:
    # Random, so no body can contain it (the generator searches the text instead); 96
    # bits, short enough that the Content-Type header fits one line without folding.
    return f"=_{uuid.uuid4().hex[:24]}"


class FlatAlternatives(SafeMIMEMultipart):
    """A multipart/alternative of text parts that serialises itself directly."""

    def as_bytes(self, unixfrom=False, linesep="\n"):
        raw = self._serialised(unixfrom, linesep)
        return raw if unixfrom else signed(raw, linesep)

    def _serialised(self, unixfrom: bool, linesep: str) -> bytes:
        parts = self.get_payload()
        if unixfrom or not all(
            type(part) is SafeMIMEText and str(part.encoding).lower() == "utf-8" for part in parts
        ):
            return super().as_bytes(unixfrom=unixfrom, linesep=linesep)
        boundary = self.get_boundary()
        if boundary is None:
            boundary = _new_boundary()
            self.set_boundary(boundary)
        parts = [(part.items(), part.get_payload()) for part in parts]
        return _multipart(self.items(), parts, boundary, linesep)


class AlternativesEmail(EmailMultiAlternatives):
    """EmailMultiAlternatives whose MIME message is a FlatAlternatives."""

    def message(self):
        message = super().message()
        # Django keeps an ASCII subject as it is; ours are always encoded (subject_header).
        charset = self.encoding or settings.DEFAULT_CHARSET
        message.replace_header("Subject", subject_header(self.subject, charset))
        if type(message) is SafeMIMEMultipart:
            # Django builds the multipart itself; only the serialisation changes.
            message.__class__ = FlatAlternatives
        return message


@lru_cache(maxsize=1024)
def _header_value(name: str, value: str) -> str:
    """A header's value as our message() stores it (non-ASCII as encoded words; a subject
    always as UTF-8 encoded words, `subject_header`). Cached: subjects repeat."""
    if name == "Subject":
        return subject_header(value)
    return value if value.isascii() else Header(value, "utf-8").encode()


def subject_header(subject: str, charset: str = "utf-8") -> str:
    """A subject always encoded (RFC 2047, UTF-8): text that looks like an encoded word
    (`=?utf-8?b?...?=`, refused in titles anyway) is then itself encoded, so no mail client
    decodes it into something else."""
    return Header(subject, charset).encode()


def _text_part(subtype: str, payload: str) -> list[tuple[str, str]] | None:
    """The headers Django gives a UTF-8 text part, or None when a line may be too long
    for SMTP (Django then switches the part to quoted-printable). Bytes split at fewer
    kinds of line break than str.splitlines, which Django uses, so a payload that
    passes here passes Django's test too."""
    if max(map(len, payload.encode().splitlines()), default=0) > RFC5322_EMAIL_LINE_LENGTH_LIMIT:
        return None
    return [
        ("Content-Type", f'text/{subtype}; charset="utf-8"'),
        ("MIME-Version", "1.0"),
        ("Content-Transfer-Encoding", "7bit" if payload.isascii() else "8bit"),
    ]


@dataclass(frozen=True)
class Email:
    """One of our emails: a text part, an HTML alternative, extra headers."""

    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str]

    def message(self) -> AlternativesEmail:
        """Django's email object, for any backend (django-anymail, files, the test outbox)."""
        message = AlternativesEmail(self.subject, self.text, to=[self.to], headers=self.headers)
        message.attach_alternative(self.html, "text/html")
        return message

    def as_bytes(self, linesep: str = "\r\n") -> bytes | None:
        """Exactly what `self.message().message().as_bytes(linesep=linesep)` gives, DKIM
        signature included, but in a fraction of its time; or None when this email needs
        something only Django's path does: a non-ASCII address, another charset, a line
        break in a header (Django refuses it), a line over SMTP's limit, or an extra header
        Django would place itself."""
        sender = settings.DEFAULT_FROM_EMAIL
        values = [self.to, self.subject, sender, *self.headers.values()]
        if (
            settings.DEFAULT_CHARSET.lower() != "utf-8"
            or not (self.to + sender).isascii()
            or any("\n" in value or "\r" in value for value in values)
            or any(name.lower() in _PLACED_BY_DJANGO for name in self.headers)
        ):
            return None
        text_headers, html_headers = _text_part("plain", self.text), _text_part("html", self.html)
        if text_headers is None or html_headers is None:
            return None
        boundary = _new_boundary()
        headers = [
            ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
            ("MIME-Version", "1.0"),
            ("Subject", _header_value("Subject", self.subject)),
            ("From", sender),
            ("To", self.to),
            ("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)),
            ("Message-ID", make_msgid(domain=DNS_NAME)),
            *((name, _header_value(name, value)) for name, value in self.headers.items()),
        ]
        parts = [(text_headers, self.text), (html_headers, self.html)]
        return signed(_multipart(headers, parts, boundary, linesep), linesep)
