"""An ESP's tracking webhooks, replayed through django-anymail's own views (with their basic
auth) whatever the sending backend: bounces, complaints, unsubscribes, rejections."""

import base64
import json

import pytest
from django.test import Client

from notifications import suppression
from notifications.models import DeliveryEvent, Subscriber
from tests.notifications.factories import confirmed_subscriber

pytestmark = pytest.mark.django_db

SECRET = "esp:test-webhook-secret"  # config/settings/test.py's ANYMAIL["WEBHOOK_SECRET"]


def auth(secret=SECRET):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


# Postmark's documented bounce webhook (postmarkapp.com/developer/webhooks/bounce-webhook),
# with our subscriber's address.
POSTMARK_BOUNCE = {
    "RecordType": "Bounce",
    "MessageStream": "outbound",
    "ID": 4323372036854775807,
    "Type": "HardBounce",
    "TypeCode": 1,
    "Name": "Hard bounce",
    "Tag": "digest",
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "Metadata": {},
    "ServerID": 23,
    "Description": "The server was unable to deliver your message (ex: unknown user, mailbox "
    "not found).",
    "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
    "Email": "ann@example.org",
    "From": "alerts@jobs.example.org",
    "BouncedAt": "2026-12-07T16:33:54.9070259Z",
    "DumpAvailable": True,
    "Inactive": True,
    "CanActivate": True,
    "Subject": "3 new jobs matching your alerts",
}

# Postmark's documented spam complaint webhook.
POSTMARK_COMPLAINT = {
    "RecordType": "SpamComplaint",
    "MessageStream": "outbound",
    "ID": 42,
    "Type": "SpamComplaint",
    "TypeCode": 512,
    "Name": "Spam complaint",
    "Tag": "digest",
    "MessageID": "00000000-0000-0000-0000-000000000000",
    "Metadata": {},
    "ServerID": 1234,
    "Description": "",
    "Details": "Test spam complaint details",
    "Email": "bob@example.org",
    "From": "alerts@jobs.example.org",
    "BouncedAt": "2026-12-07T16:40:00Z",
    "DumpAvailable": True,
    "Inactive": True,
    "CanActivate": False,
    "Subject": "New job: Postdoc in optics",
}

# Postmark's documented subscription change webhook: the recipient unsubscribed there.
POSTMARK_UNSUBSCRIBE = {
    "RecordType": "SubscriptionChange",
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "ServerID": 123456,
    "MessageStream": "outbound",
    "ChangedAt": "2026-12-07T16:45:00Z",
    "Recipient": "carol@example.org",
    "Origin": "Recipient",
    "SuppressSending": True,
    "SuppressionReason": "ManualSuppression",
    "Tag": "digest",
    "Metadata": {},
}


def post(path, payload, **headers):
    return Client().post(path, json.dumps(payload), content_type="application/json", **headers)


def test_a_postmark_bounce_suppresses_and_marks_the_subscriber_once():
    ann = confirmed_subscriber("ann@example.org")
    response = post("/anymail/postmark/tracking/", POSTMARK_BOUNCE, **auth())
    assert response.status_code == 200
    event = DeliveryEvent.objects.get()
    assert (event.kind, event.subscriber, event.source, event.event_id) == (
        "hard_bounce",
        ann,
        "anymail:postmark",
        "4323372036854775807",
    )
    assert "5.1.1" in event.detail or "unknown user" in event.detail
    assert suppression.is_suppressed("ann@example.org")
    assert Subscriber.objects.get(pk=ann.pk).status == Subscriber.Status.BOUNCED
    # Postmark retries a webhook it thinks failed: the same event counts once.
    assert post("/anymail/postmark/tracking/", POSTMARK_BOUNCE, **auth()).status_code == 200
    assert DeliveryEvent.objects.count() == 1


def test_a_postmark_complaint_suppresses_and_unsubscribes():
    bob = confirmed_subscriber("bob@example.org")
    assert post("/anymail/postmark/tracking/", POSTMARK_COMPLAINT, **auth()).status_code == 200
    assert DeliveryEvent.objects.get().kind == "complaint"
    assert suppression.is_suppressed("bob@example.org")
    assert Subscriber.objects.get(pk=bob.pk).status == Subscriber.Status.UNSUBSCRIBED


def test_an_unsubscribe_at_the_esp_suppresses_and_unsubscribes():
    carol = confirmed_subscriber("carol@example.org")
    assert post("/anymail/postmark/tracking/", POSTMARK_UNSUBSCRIBE, **auth()).status_code == 200
    assert DeliveryEvent.objects.get().kind == "unsubscribed"
    assert suppression.Suppression.objects.get().reason == "esp_unsubscribe"
    assert Subscriber.objects.get(pk=carol.pk).status == Subscriber.Status.UNSUBSCRIBED


def test_without_the_webhook_secret_nothing_is_recorded():
    confirmed_subscriber("ann@example.org")
    assert post("/anymail/postmark/tracking/", POSTMARK_BOUNCE).status_code == 400
    wrong = post("/anymail/postmark/tracking/", POSTMARK_BOUNCE, **auth("esp:guess"))
    assert wrong.status_code == 400
    assert not DeliveryEvent.objects.exists()
    assert not suppression.is_suppressed("ann@example.org")


def test_events_for_unknown_addresses_still_suppress_them():
    payload = {**POSTMARK_BOUNCE, "Email": "stranger@example.org", "ID": 7}
    assert post("/anymail/postmark/tracking/", payload, **auth()).status_code == 200
    assert DeliveryEvent.objects.get().subscriber is None
    assert suppression.is_suppressed("stranger@example.org")


def test_delivered_and_opened_events_are_not_kept():
    confirmed_subscriber("ann@example.org")
    delivered = {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Recipient": "ann@example.org",
        "Tag": "digest",
        "DeliveredAt": "2026-12-07T16:33:54.9070259Z",
        "Details": "Test delivery webhook details",
        "Metadata": {},
    }
    assert post("/anymail/postmark/tracking/", delivered, **auth()).status_code == 200
    assert not DeliveryEvent.objects.exists()


# Postmark's documented bounce webhook for a soft bounce (Type SoftBounce, TypeCode 4096):
# anymail normalises it to "bounced", as it does a hard one.
POSTMARK_SOFT_BOUNCE = {
    **POSTMARK_BOUNCE,
    "ID": 4323372036854775001,
    "Type": "SoftBounce",
    "TypeCode": 4096,
    "Name": "Soft bounce",
    "Description": "The server was unable to deliver your message (ex: unknown user, mailbox "
    "not found).",
    "Details": "smtp;452 4.2.2 The email account that you tried to reach is over quota.",
    "Inactive": False,
}

# Postmark's transient bounce ("Transient": anymail's "deferred").
POSTMARK_TRANSIENT = {
    **POSTMARK_SOFT_BOUNCE,
    "ID": 4323372036854775002,
    "Type": "Transient",
    "TypeCode": 2,
    "Name": "Message delayed",
    "Details": "smtp;421 4.4.2 Connection timed out",
}


def test_an_esp_soft_bounce_is_soft_and_suppresses_only_past_the_threshold(settings):
    settings.NOTIFICATIONS_SOFT_BOUNCE_LIMIT = 3
    ann = confirmed_subscriber("ann@example.org")
    soft = post("/anymail/postmark/tracking/", POSTMARK_SOFT_BOUNCE, **auth())
    assert soft.status_code == 200
    event = DeliveryEvent.objects.get()
    assert (event.kind, event.status) == ("soft_bounce", "4.2.2")
    assert not suppression.is_suppressed(ann.email)
    assert Subscriber.objects.get(pk=ann.pk).status == Subscriber.Status.CONFIRMED
    # A "deferred" event (Postmark's Transient) is a soft bounce too, as a DSN's "delayed" is.
    assert post("/anymail/postmark/tracking/", POSTMARK_TRANSIENT, **auth()).status_code == 200
    assert DeliveryEvent.objects.filter(kind="soft_bounce").count() == 2
    assert not suppression.is_suppressed(ann.email)
    third = {**POSTMARK_SOFT_BOUNCE, "ID": 4323372036854775003}
    assert post("/anymail/postmark/tracking/", third, **auth()).status_code == 200
    assert suppression.Suppression.objects.get().reason == "soft_bounces"
    assert Subscriber.objects.get(pk=ann.pk).status == Subscriber.Status.BOUNCED


def test_an_esp_hard_bounce_suppresses_at_once_with_its_status():
    ann = confirmed_subscriber("ann@example.org")
    assert post("/anymail/postmark/tracking/", POSTMARK_BOUNCE, **auth()).status_code == 200
    event = DeliveryEvent.objects.get()
    assert (event.kind, event.status) == ("hard_bounce", "5.1.1")
    assert suppression.Suppression.objects.get().reason == "hard_bounce"
    assert Subscriber.objects.get(pk=ann.pk).status == Subscriber.Status.BOUNCED
