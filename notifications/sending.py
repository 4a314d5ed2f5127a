"""Handing one of our emails to the configured email backend.

With Django's own SMTP backend the email's bytes go straight to the backend's smtplib
connection: building Django's message objects and parsing the addresses again for every
email cost more CPU than writing the email and the SMTP exchange together. Every other
backend (django-anymail's ESPs, the file and locmem backends, a subclass of the SMTP
backend that may send differently) gets Django's EmailMessage, as does an email the fast
path does not cover (`Email.as_bytes` says None). Both give the SMTP server the same
envelope and the same bytes (tests/notifications/test_sending.py).
"""

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

from notifications.mime import Email


def send(connection, email: Email):
    """Send `email` over `connection` (an open backend); raises what the backend raises."""
    raw = email.as_bytes() if type(connection) is SMTPBackend else None
    if raw is None:
        connection.send_messages([email.message()])
        return
    # What Django's backend would call with the addresses it parses from the same
    # strings; smtplib takes the address out of "Name <address>" for the envelope.
    connection.connection.sendmail(settings.DEFAULT_FROM_EMAIL, [email.to], raw)
