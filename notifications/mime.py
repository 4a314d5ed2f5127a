"""Our emails' MIME form, written out in one pass.

Every email here has the same shape: a multipart/alternative of a text and an HTML part,
no attachments, no preamble. The standard library's generator handles any shape, and for a
digest it costs more CPU than rendering the templates and the SMTP exchange together (it
splits and re-joins every line and builds a Header object for every header). This writes
the same bytes for our shape; anything else goes to the standard generator. Either way the
result carries a DKIM signature when a key is configured (notifications/dkim.py).
"""

import re
import uuid
from email.policy import compat32
from functools import cache

from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart, SafeMIMEText

from notifications.dkim import signed

NEWLINES = re.compile(r"\r\n|\r|\n")  # what email.generator treats as a line break


@cache
def _folding(linesep: str):
    return compat32.clone(linesep=linesep)


def _header_lines(message, linesep: str) -> str:
    lines = []
    for name, value in message.items():
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
            # Random, so no body can contain it (the generator searches the text instead).
            boundary = f"=_{uuid.uuid4().hex}"
            self.set_boundary(boundary)
        out = [_header_lines(self, linesep), linesep]
        for part in parts:
            out += [f"--{boundary}{linesep}", _header_lines(part, linesep), linesep]
            out += [NEWLINES.sub(linesep, part.get_payload()), linesep]
        out.append(f"--{boundary}--{linesep}")
        # Headers are ASCII by now; a part is 7-bit, quoted-printable or 8-bit in its
        # charset, so encoding the whole text as UTF-8 gives the bytes of each.
        return "".join(out).encode("utf-8")


class AlternativesEmail(EmailMultiAlternatives):
    """EmailMultiAlternatives whose MIME message is a FlatAlternatives."""

    def message(self):
        message = super().message()
        if type(message) is SafeMIMEMultipart:
            # Django builds the multipart itself; only the serialisation changes.
            message.__class__ = FlatAlternatives
        return message
