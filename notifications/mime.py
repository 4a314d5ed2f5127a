"""Our emails as Django builds them: an EmailMultiAlternatives of a text and an HTML part,
DKIM-signed when a key is configured (notifications/dkim.py).

Django's SMTP backend (and every other backend) serialises `message()` with `as_bytes`;
`message()` is Django's own MIME message, written by the email package's own generator,
with a DKIM signature written in front of those bytes when a key is configured. What the
server receives is exactly Django's message, plus one header when signed.
"""

import logging
import random
import sys
from dataclasses import dataclass
from email.header import Header
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid

from notifications import suppression
from notifications.dkim import configured, signed
from notifications.models import SentEmails
from notifications.sending import record_sent

logger = logging.getLogger(__name__)


class DkimSignedMessage:
    """Django's MIME message, serialised by its own `as_bytes` with a DKIM-Signature header
    in front. Everything but the serialisation is the message's own (headers, parts,
    `get_payload`, ...)."""

    def __init__(self, message):
        self._message = message

    def __getattr__(self, name):
        return getattr(self._message, name)

    def __getitem__(self, name):
        return self._message[name]

    def __contains__(self, name):
        return name in self._message

    def as_bytes(self, unixfrom=False, linesep="\n"):
        raw = self._message.as_bytes(unixfrom=unixfrom, linesep=linesep)
        return raw if unixfrom else signed(raw, linesep)

    def as_string(self, unixfrom=False, linesep="\n"):
        return self.as_bytes(unixfrom, linesep).decode("utf-8", errors="surrogateescape")


class SuppressedRecipient(Exception):
    """An email was not sent: its recipients include addresses on the suppression list."""

    def __init__(self, addresses):
        self.addresses = sorted(addresses)
        super().__init__("The address is on the suppression list; the email was not sent.")


class AlternativesEmail(EmailMultiAlternatives):
    """EmailMultiAlternatives whose message is DKIM-signed when a key is configured, and
    which is not sent to an address on the suppression list (`send`, the path of our
    one-off emails: confirmations, account requests, invitations; the digests and notices
    check theirs in bulk where they choose recipients)."""

    def send(self, fail_silently=False):
        """Send, unless a recipient is suppressed: then nothing is sent and, unless
        `fail_silently`, SuppressedRecipient is raised, so no caller mistakes it for a sent
        email (staff are told; a public form answers as always: notifications/services.py)."""
        blocked = suppression.suppressed(self.recipients())
        if blocked:
            logger.info("An email to a suppressed address was not sent.")
            if fail_silently:
                return 0
            raise SuppressedRecipient(blocked)
        sent = super().send(fail_silently=fail_silently)
        record_sent(SentEmails.Kind.MESSAGE, sent)
        return sent

    def message(self):
        message = super().message()
        # Django keeps an ASCII subject as it is; ours are always encoded (subject_header).
        charset = self.encoding or settings.DEFAULT_CHARSET
        message.replace_header("Subject", subject_header(self.subject, charset))
        if message.is_multipart():
            message.set_boundary(boundary([self.body, *(part[0] for part in self.alternatives)]))
        return DkimSignedMessage(message) if configured() else message


@lru_cache(maxsize=4096)
def subject_header(subject: str, charset: str = "utf-8") -> str:
    """A subject always encoded (RFC 2047): text that looks like an encoded word
    (`=?utf-8?b?...?=`, refused in titles anyway) is then itself encoded, so no mail client
    decodes it into something else. Cached: a digest run's subjects repeat ("3 new jobs
    matching your alerts", one per job title), and the email package's encoder measures
    the subject once per character."""
    return Header(subject, charset).encode()


def boundary(texts: list[str]) -> str:
    """A multipart boundary in the email package's form, set on the message before it is
    written: without one, the generator compiles a regular expression for each message to
    check that its boundary is in no part. No part may contain this one at all (stricter
    than the generator's check for a line of it); quoted-printable parts cannot, since
    they write "=" as "=3D"."""
    while True:
        candidate = "=" * 15 + f"{random.randrange(sys.maxsize):019d}" + "=="
        if not any(candidate in text for text in texts):
            return candidate


@dataclass(frozen=True)
class Email:
    """One of our emails: a text part, an HTML alternative, extra headers, and the envelope
    sender (`return_path`, notifications/bounces.py's VERP address; "" for the From)."""

    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str]
    return_path: str = ""

    def message(self) -> AlternativesEmail:
        """Django's email object, for any backend (SMTP, django-anymail, files, the outbox)."""
        # Django would name this machine's host in the Message-ID; ours names the sending domain.
        headers = {"Message-ID": make_msgid(domain=settings.NOTIFICATIONS_SENDING_DOMAIN)}
        if self.return_path:
            # Django's SMTP backend gives `from_email` as the envelope sender (MAIL FROM)
            # and a From header as the message's From.
            headers["From"] = settings.DEFAULT_FROM_EMAIL
        message = AlternativesEmail(
            self.subject,
            self.text,
            from_email=self.return_path or None,
            to=[self.to],
            headers={**headers, **self.headers},
        )
        message.attach_alternative(self.html, "text/html")
        return message
