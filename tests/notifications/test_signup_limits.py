"""Sign-up limits: per visitor (as the frontend signs it), never per frontend server; and
unconfirmed alerts neither fill a subscriber's quota nor stay forever."""

import datetime as dt
import time

import pytest
from django.core import mail
from django.utils import timezone

from cms.visitor import signed_headers
from notifications import services, tasks
from notifications.models import JobAlert, Subscriber
from notifications.tokens import confirm_token
from tests.notifications.factories import add_alert, confirmed_subscriber

pytestmark = pytest.mark.django_db

SUBSCRIBE = """
mutation($email: String!, $alert: JobAlertInput!) { subscribe(email: $email, alert: $alert) { ok } }
"""
CONFIRM = "mutation($token: String!) { confirmSubscription(token: $token) { ok } }"
FRONTEND = "10.1.2.3"  # every request comes from the frontend's server
SECRET = "a-shared-secret"


@pytest.fixture
def limits(settings):
    settings.FRONTEND_SHARED_SECRET = SECRET
    settings.NOTIFICATIONS_SIGNUPS_PER_IP_PER_HOUR = 2
    settings.NOTIFICATIONS_SIGNUPS_PER_EMAIL_PER_HOUR = 100
    return settings


def sign_up(graphql, n, **headers):
    meta = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    for i in range(n):
        email = f"v{time.monotonic_ns()}-{i}@example.org"
        response = graphql.post(
            SUBSCRIBE,
            {"email": email, "alert": {"frequency": "DAILY"}},
            REMOTE_ADDR=FRONTEND,
            **meta,
        )
        assert response.json()["data"]["subscribe"]["ok"] is True  # the same answer, always


def test_each_signed_visitor_has_its_own_limit_behind_one_frontend(graphql, limits):
    sign_up(graphql, 3, **signed_headers(SECRET, "203.0.113.7"))
    assert len(mail.outbox) == 2  # the third from this visitor was dropped
    sign_up(graphql, 1, **signed_headers(SECRET, "203.0.113.8"))
    sign_up(graphql, 1, **signed_headers(SECRET, "2001:db8::1"))
    assert len(mail.outbox) == 4  # other visitors are not stopped
    sign_up(graphql, 3)  # unsigned: the frontend's own address, a limit of its own
    assert len(mail.outbox) == 6


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda a: signed_headers("another-secret", a), id="wrong secret"),
        pytest.param(lambda a: signed_headers(SECRET, a, now=time.time() - 3600), id="stale"),
        pytest.param(
            lambda a: {**signed_headers(SECRET, "198.51.100.1"), "X-Visitor-Address": a},
            id="swapped",
        ),
        pytest.param(lambda a: {"X-Visitor-Address": a}, id="unsigned"),
        pytest.param(
            lambda a: {"X-Visitor-Address": a, "X-Visitor-Signature": "x:y"}, id="garbage"
        ),
    ],
)
def test_an_address_without_a_good_signature_counts_as_its_sender(graphql, limits, headers):
    for n in range(3):
        sign_up(graphql, 1, **headers(f"203.0.113.{n + 20}"))
    assert len(mail.outbox) == 2  # all three counted against FRONTEND


def test_without_a_shared_secret_no_address_is_honoured(graphql, limits):
    limits.FRONTEND_SHARED_SECRET = ""
    for n in range(3):
        sign_up(graphql, 1, **signed_headers("", f"203.0.113.{n + 40}"))
    assert len(mail.outbox) == 2


def test_a_signed_value_that_is_not_an_address_counts_as_its_sender(graphql, limits):
    for n in range(3):
        sign_up(graphql, 1, **signed_headers(SECRET, f"not-an-ip-{n}"))
    assert len(mail.outbox) == 2


def test_unconfirmed_alerts_never_fill_the_quota(graphql, settings):
    settings.NOTIFICATIONS_SIGNUPS_PER_EMAIL_PER_HOUR = 100
    subscriber = confirmed_subscriber("full@example.org")
    for _ in range(services.MAX_ALERTS - 2):
        add_alert(subscriber)
    # Anyone can ask for alerts at this address: they wait, unconfirmed.
    for _ in range(15):
        graphql.post(SUBSCRIBE, {"email": "full@example.org", "alert": {"frequency": "DAILY"}})
    assert len(mail.outbox) == 15
    pending = JobAlert.objects.filter(subscriber=subscriber, active_since__isnull=True)
    assert pending.count() == 15
    first, second, *_ = pending.order_by("pk")
    # The owner can still confirm one (the tenth) but not an eleventh.
    ok = graphql.post(CONFIRM, {"token": confirm_token(subscriber.pk, first.pk)}).json()
    assert ok["data"]["confirmSubscription"]["ok"] is True
    over = graphql.post(CONFIRM, {"token": confirm_token(subscriber.pk, second.pk)}).json()
    assert "at most 10 alerts" in over["errors"][0]["message"]
    assert services.active_alert_count(subscriber) == services.MAX_ALERTS


def test_unconfirmed_alerts_expire(settings):
    settings.NOTIFICATIONS_UNCONFIRMED_MAX_AGE_SECONDS = 86400
    old = timezone.now() - dt.timedelta(days=2)
    stranger = Subscriber.objects.create(
        email="never@example.org", consented_at=old, created_at=old
    )
    JobAlert.objects.create(subscriber=stranger, frequency="DAILY", created_at=old)
    known = confirmed_subscriber("known@example.org")
    JobAlert.objects.create(subscriber=known, frequency="DAILY", created_at=old)  # unconfirmed
    fresh = JobAlert.objects.create(subscriber=known, frequency="DAILY")  # unconfirmed, new
    kept = known.alerts.get(active_since__isnull=False)
    kept.created_at = old
    kept.save()

    tasks.expire_unconfirmed_alerts()

    assert not Subscriber.objects.filter(pk=stranger.pk).exists()
    assert set(known.alerts.values_list("pk", flat=True)) == {kept.pk, fresh.pk}
