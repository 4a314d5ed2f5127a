"""Handing our emails to the configured email backend (Django's SMTP backend, or any other:
django-anymail's ESPs, the file and locmem backends): the one send path of our bulk emails
(`send_throttled`: digests and institution notices, under NOTIFICATIONS_SEND_RATE and each
receiving provider's budget, notifications/throttling.py), and the one record of what was
sent (`record_sent`: emails per day and kind, the denominator of the bounce and complaint
rates)."""

import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import connection
from django.utils import timezone

from notifications import throttling
from notifications.models import SentEmails


def send(connection, email):
    """Send `email` (a notifications.mime.Email) over `connection` (an open backend); raises
    what the backend raises (smtplib's exceptions with Django's SMTP backend: a refused
    recipient is SMTPRecipientsRefused, a refused message SMTPDataError, ...). The caller
    counts what it sent with `record_sent`, once per batch, not once per email."""
    connection.send_messages([email.message()])


class ProviderDeferred(Exception):
    """Raised by `send_throttled`'s `send_one`: the receiving provider of this email said
    "not now" (a 4xx for this recipient or this message)."""


class Pacer:
    """Keeps this process under NOTIFICATIONS_SEND_RATE emails per second."""

    def __init__(self, rate: int):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = 0.0

    def wait(self):
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(now, self.next_at) + self.interval


def send_throttled(
    connection, items: Iterable[tuple[str, object]], send_one: Callable[[object], None]
) -> set[str]:
    """Send a batch: `items` are (address, item) pairs, and `send_one(item)` sends one email
    over `connection` (an open backend). Each receiving provider gets its emails at most at
    its budget, in their order, while the others go on (throttling.Scheduler), and the
    process stays under NOTIFICATIONS_SEND_RATE. When `send_one` raises ProviderDeferred,
    that provider gets nothing more from this batch and the connection is opened afresh
    (smtplib closes it after a 421). Returns the providers deferred; anything else `send_one`
    raises stops the batch."""
    pacer = Pacer(settings.NOTIFICATIONS_SEND_RATE)
    scheduler = throttling.Scheduler(items)
    for provider, item in scheduler.order():
        pacer.wait()
        try:
            send_one(item)
        except ProviderDeferred:
            scheduler.defer(provider)
            connection.close()
            connection.open()
    return scheduler.deferred


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
