"""Handing one of our emails to the configured email backend (Django's SMTP backend, or
any other: django-anymail's ESPs, the file and locmem backends)."""

from notifications.mime import Email


def send(connection, email: Email):
    """Send `email` over `connection` (an open backend); raises what the backend raises
    (smtplib's exceptions with Django's SMTP backend: a refused recipient is
    SMTPRecipientsRefused, a refused message SMTPDataError, ...)."""
    connection.send_messages([email.message()])
