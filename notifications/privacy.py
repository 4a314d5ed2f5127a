"""A subscriber's personal data: everything we hold about an address, as JSON (`export`), and
its erasure from every table (`erase`). docs/privacy.md lists where personal data lives; a
table that gains an address must be added to both functions here (and the list there)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from notifications import suppression
from notifications.models import (
    AcceptedEmail,
    Delivery,
    DeliverySummary,
    InstitutionNotice,
    Subscriber,
)


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def export(subscriber: Subscriber) -> dict:
    """What we hold about this subscriber, for them to download (or staff, for them)."""
    alerts = []
    for alert in subscriber.alerts.prefetch_related("disciplines", "roles", "keyword_rows"):
        alerts.append(
            {
                "id": alert.pk,
                "frequency": alert.frequency,
                "disciplines": sorted(d.name for d in alert.disciplines.all()),
                "roles": sorted(r.name for r in alert.roles.all()),
                "countries": alert.country_list,
                "remote": alert.remote,
                "keywords": [k.keyword for k in alert.keyword_rows.all()],
                "created_at": _when(alert.created_at),
                "active_since": _when(alert.active_since),
                "paused_at": _when(alert.paused_at),
            }
        )
    deliveries = [
        {
            "job_id": job_id,
            "status": status,
            "created_at": _when(created_at),
            "sent_at": _when(sent_at),
            "error": error,
        }
        for job_id, status, created_at, sent_at, error in subscriber.deliveries.order_by(
            "pk"
        ).values_list("job_id", "status", "created_at", "sent_at", "error")
    ]
    summary = DeliverySummary.objects.filter(subscriber=subscriber).first()
    events = [
        {"kind": kind, "source": source, "status": status, "at": _when(created_at)}
        for kind, source, status, created_at in subscriber.events.order_by("pk").values_list(
            "kind", "source", "status", "created_at"
        )
    ]
    return {
        "exported_at": _when(timezone.now()),
        "subscriber": {
            "email": subscriber.email,
            "status": subscriber.status,
            "created_at": _when(subscriber.created_at),
            "consent": {
                "given_at": _when(subscriber.consented_at),
                "text_version": subscriber.consent_version,
                "method": subscriber.consent_method,
            },
            "confirmed_at": _when(subscriber.confirmed_at),
            "unsubscribed_at": _when(subscriber.unsubscribed_at),
            "bounced_at": _when(subscriber.bounced_at),
            "bounce_reason": subscriber.bounce_reason,
        },
        "alerts": alerts,
        "deliveries": deliveries,
        # Bounces and complaints reported for this address (notifications/bounces.py).
        "delivery_events": events,
        "suppressed": suppression.is_suppressed(subscriber.email),
        # Rows older than the retention window, as counts (notifications/retention.py).
        "older_deliveries": (
            {
                "through": _when(summary.through),
                "sent": summary.sent,
                "failed": summary.failed,
                "skipped": summary.skipped,
                "last_sent_at": _when(summary.last_sent_at),
            }
            if summary
            else None
        ),
    }


def keep_suppressed(email: str, reason: str) -> None:
    """Before an erasure: an address we must not mail again stays on the suppression list,
    which keeps only a keyed hash of it (a bounce or complaint put it there already; this
    covers a subscriber marked bounced before the list existed)."""
    suppression.suppress(email, suppression.Reason.HARD_BOUNCE, source="erasure", detail=reason)


def erase(subscriber: Subscriber) -> None:
    """Remove the address and everything tied to it from every table, in one transaction:
    the ledger and its compacted summary, accepted-email records, institution notices that
    name it, the alerts (with the subscriber row). A bounced address is handed to the
    suppression list first (`keep_suppressed`)."""
    email = subscriber.email
    with transaction.atomic():
        if subscriber.status == Subscriber.Status.BOUNCED:
            keep_suppressed(email, f"erased after a bounce: {subscriber.bounce_reason}"[:300])
        Delivery.objects.filter(subscriber_id=subscriber.pk).delete()
        AcceptedEmail.objects.filter(subscriber_id=subscriber.pk).delete()
        DeliverySummary.objects.filter(subscriber_id=subscriber.pk).delete()
        for notice in InstitutionNotice.objects.filter(recipients__icontains=email):
            left = [a for a in notice.recipients.split("\n") if a.lower() != email.lower()]
            notice.recipients = "\n".join(left)
            notice.save(update_fields=["recipients"])
        subscriber.delete()
