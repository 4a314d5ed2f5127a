"""Our emails as Django builds them: an EmailMultiAlternatives of a text and an HTML part,
DKIM-signed when a key is configured (notifications/dkim.py).

Django's SMTP backend (and every other backend) serialises `message()` with `as_bytes`; a
signed email's `message()` is Django's own MIME message with the signature written in front
of those bytes, so what the server receives is exactly Django's message plus one header.
"""

from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives

from notifications.dkim import configured, signed


class DkimSignedMessage:
    """Django's MIME message, serialised with a DKIM-Signature header in front. Everything
    but the serialisation is the message's own (headers, parts, `get_payload`, ...)."""

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


class AlternativesEmail(EmailMultiAlternatives):
    """EmailMultiAlternatives whose message is DKIM-signed when a key is configured."""

    def message(self):
        message = super().message()
        return DkimSignedMessage(message) if configured() else message


@dataclass(frozen=True)
class Email:
    """One of our emails: a text part, an HTML alternative, extra headers."""

    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str]

    def message(self) -> AlternativesEmail:
        """Django's email object, for any backend (SMTP, django-anymail, files, the outbox)."""
        message = AlternativesEmail(self.subject, self.text, to=[self.to], headers=self.headers)
        message.attach_alternative(self.html, "text/html")
        return message
