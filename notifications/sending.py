"""Handing our emails to the configured email backend (Django's SMTP backend, or any other:
django-anymail's ESPs, the file and locmem backends), and the one record of what was sent
(`record_sent`: emails per day and kind, the denominator of the bounce and complaint rates)."""

from django.db import connection
from django.utils import timezone

from notifications.models import SentEmails


def send(connection, email):
    """Send `email` (a notifications.mime.Email) over `connection` (an open backend); raises
    what the backend raises (smtplib's exceptions with Django's SMTP backend: a refused
    recipient is SMTPRecipientsRefused, a refused message SMTPDataError, ...). The caller
    counts what it sent with `record_sent`, once per batch, not once per email."""
    connection.send_messages([email.message()])


def record_sent(kind: str, count: int) -> None:
    """Add `count` emails of `kind` (a SentEmails.Kind) sent today (in TIME_ZONE, as the
    daily rates count their days), in one statement (INSERT ... ON CONFLICT DO UPDATE, on
    PostgreSQL and SQLite alike), safe against concurrent senders. Every sender calls it:
    digest batches and institution notices once per batch, and `AlternativesEmail.send`
    (notifications/mime.py) for every one-off email."""
    if count <= 0:
        return
    table = connection.ops.quote_name(SentEmails._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, kind, emails) VALUES (%s, %s, %s)"
            f" ON CONFLICT (day, kind) DO UPDATE SET emails = {table}.emails + excluded.emails",
            [connection.ops.adapt_datefield_value(timezone.localdate()), kind, count],
        )
