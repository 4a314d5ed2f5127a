"""Handing our emails to the configured email backend (Django's SMTP backend, or any other:
django-anymail's ESPs, the file and locmem backends), and the one record of what was sent
(`record_sent`: emails per day and kind, the denominator of the bounce and complaint rates)."""

from django.db import IntegrityError, transaction
from django.db.models import F
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
    daily rates count their days). Every sender calls it: digest batches, institution
    notices, and `AlternativesEmail.send` (notifications/mime.py) for every one-off email."""
    if count <= 0:
        return
    day = timezone.localdate()
    rows = SentEmails.objects.filter(day=day, kind=kind)
    if rows.update(emails=F("emails") + count):
        return
    try:
        with transaction.atomic():
            SentEmails.objects.create(day=day, kind=kind, emails=count)
    except IntegrityError:  # created meanwhile by another sender
        rows.update(emails=F("emails") + count)
