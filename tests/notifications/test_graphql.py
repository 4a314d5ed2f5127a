"""Subscribing, confirming and managing alerts through the real /graphql/ endpoint."""

import re
import uuid

import pytest
from django.core import mail
from django.test import Client

from notifications.models import AlertKeyword, JobAlert, Subscriber
from notifications.tokens import manage_token
from tests.content.factories import DisciplineFactory, RoleFactory
from tests.notifications.factories import confirmed_subscriber

pytestmark = pytest.mark.django_db

SUBSCRIBE = """
mutation Subscribe($email: String!, $alert: JobAlertInput!) {
  subscribe(email: $email, alert: $alert) { ok message }
}
"""
CONFIRM = "mutation($token: String!) { confirmSubscription(token: $token) { ok message token } }"
SUBSCRIPTION = """
query($token: String!) {
  subscription(token: $token) {
    email status
    alerts { id frequency active countries keywords remote disciplines { slug } roles { slug } }
  }
}
"""
ADD = """
mutation($token: String!, $alert: JobAlertInput!) {
  addAlert(token: $token, alert: $alert) { ok alert { id frequency keywords } }
}
"""
UPDATE = """
mutation($token: String!, $id: ID!, $alert: JobAlertInput!) {
  updateAlert(token: $token, id: $id, alert: $alert) { ok alert { id frequency countries } }
}
"""
DELETE = "mutation($token: String!, $id: ID!) { deleteAlert(token: $token, id: $id) { ok } }"
UNSUBSCRIBE = "mutation($token: String!) { unsubscribe(token: $token) { ok message } }"


@pytest.fixture
def ml(db):
    return DisciplineFactory(name="Machine Learning")


@pytest.fixture
def client_ip():
    # Rate limits live in the shared cache (Redis on CI): a fresh client per test.
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def unique_email(name="someone"):
    return f"{name}-{uuid.uuid4().hex[:8]}@Example.org"


def post(graphql, query, variables, client_ip):
    return graphql.post(query, variables, REMOTE_ADDR=client_ip).json()


def confirm_link_token(message) -> str:
    return re.search(r"/alerts/confirm/([^/\s]+)/", message.body).group(1)


def test_subscribe_answers_the_same_for_known_and_unknown_addresses(graphql, ml, client_ip):
    known = confirmed_subscriber(unique_email("known").lower())
    alert = {"frequency": "DAILY", "disciplines": ["machine-learning"]}

    new = post(graphql, SUBSCRIBE, {"email": unique_email(), "alert": alert}, client_ip)
    again = post(graphql, SUBSCRIBE, {"email": known.email.upper(), "alert": alert}, client_ip)

    assert new == again
    assert new["data"]["subscribe"]["ok"] is True
    # Only confirmation emails, one per request, and no digest.
    assert len(mail.outbox) == 2
    assert all("Confirm" in message.subject for message in mail.outbox)
    assert not mail.outbox[0].extra_headers.get("List-Unsubscribe")
    # The known subscriber's new alert waits for confirmation too.
    assert known.alerts.filter(active_since__isnull=True).count() == 1
    assert Subscriber.objects.filter(email__iexact=known.email).count() == 1


def test_confirm_then_manage_alerts_by_token(graphql, ml, client_ip):
    RoleFactory(name="Postdoc")
    email = unique_email()
    alert = {
        "frequency": "INSTANT",
        "disciplines": ["machine-learning"],
        "countries": ["gb", "DE"],
        "keywords": ["Deep learning", "NLP"],
        "remote": "HYBRID",
    }
    assert post(graphql, SUBSCRIBE, {"email": email, "alert": alert}, client_ip)["data"]
    subscriber = Subscriber.objects.get(email__iexact=email)
    assert subscriber.status == Subscriber.Status.PENDING

    confirmed = graphql.execute(CONFIRM, {"token": confirm_link_token(mail.outbox[0])})
    token = confirmed["confirmSubscription"]["token"]
    assert confirmed["confirmSubscription"]["ok"] is True

    data = graphql.execute(SUBSCRIPTION, {"token": token})["subscription"]
    assert data["email"] == subscriber.email
    assert data["status"] == "confirmed"
    (only,) = data["alerts"]
    assert only["active"] is True
    assert only["frequency"] == "INSTANT"
    assert only["countries"] == ["DE", "GB"]
    assert sorted(only["keywords"]) == ["deep learning", "nlp"]
    assert only["remote"] == "HYBRID"
    assert only["disciplines"] == [{"slug": "machine-learning"}]

    added = graphql.execute(
        ADD, {"token": token, "alert": {"frequency": "WEEKLY", "roles": ["postdoc"]}}
    )["addAlert"]["alert"]
    updated = graphql.execute(
        UPDATE,
        {"token": token, "id": added["id"], "alert": {"frequency": "DAILY", "countries": ["fr"]}},
    )["updateAlert"]["alert"]
    assert updated == {"id": added["id"], "frequency": "DAILY", "countries": ["FR"]}
    graphql.execute(DELETE, {"token": token, "id": only["id"]})
    remaining = graphql.execute(SUBSCRIPTION, {"token": token})["subscription"]["alerts"]
    assert [a["id"] for a in remaining] == [added["id"]]

    assert graphql.execute(UNSUBSCRIBE, {"token": token})["unsubscribe"]["ok"] is True
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_tokens_reach_only_their_own_subscriber(graphql, ml):
    alice = confirmed_subscriber(unique_email("alice"))
    bob = confirmed_subscriber(unique_email("bob"))
    alice_token = manage_token(alice.pk)
    bob_alert = bob.alerts.get()

    tampered = alice_token[:-3] + ("AAA" if not alice_token.endswith("AAA") else "BBB")
    assert "not valid" in graphql.errors(SUBSCRIPTION, {"token": tampered})[0]["message"]
    forged_id = alice_token.replace(alice_token.split(":")[0], bob_token_payload(bob.pk))
    assert graphql.errors(SUBSCRIPTION, {"token": forged_id})
    # Alice's token cannot touch Bob's alert.
    errors = graphql.errors(DELETE, {"token": alice_token, "id": str(bob_alert.pk)})
    assert "No such alert" in errors[0]["message"]
    assert JobAlert.objects.filter(pk=bob_alert.pk).exists()
    # A confirmation token is not a manage token.
    assert graphql.errors(SUBSCRIPTION, {"token": "not-a-token"})


def bob_token_payload(pk):
    return manage_token(pk).split(":")[0]


def test_expired_confirmation_is_a_clear_error(graphql, ml, client_ip, settings):
    email = unique_email()
    post(graphql, SUBSCRIBE, {"email": email, "alert": {"frequency": "DAILY"}}, client_ip)
    settings.NOTIFICATIONS_CONFIRM_MAX_AGE_SECONDS = -1
    errors = graphql.errors(CONFIRM, {"token": confirm_link_token(mail.outbox[0])})
    assert "expired" in errors[0]["message"]
    assert Subscriber.objects.get(email__iexact=email).status == Subscriber.Status.PENDING


@pytest.mark.parametrize(
    ("email", "alert", "expected"),
    [
        ("not-an-email", {"frequency": "DAILY"}, "valid email"),
        ("a" * 250 + "@example.org", {"frequency": "DAILY"}, "too long"),
        (None, {"frequency": "DAILY", "disciplines": ["no-such-field"]}, "Unknown disciplines"),
        (None, {"frequency": "DAILY", "roles": ["astronaut"]}, "Unknown roles"),
        (None, {"frequency": "DAILY", "countries": ["XX"]}, "Unknown country"),
        (None, {"frequency": "DAILY", "keywords": [f"k{i}" for i in range(11)]}, "keywords"),
        (None, {"frequency": "DAILY", "keywords": ["x" * 61]}, "60 characters"),
        (None, {"frequency": "HOURLY"}, "HOURLY"),
    ],
)
def test_bad_input_is_an_error_and_writes_nothing(graphql, ml, client_ip, email, alert, expected):
    response = graphql.post(
        SUBSCRIBE, {"email": email or unique_email(), "alert": alert}, REMOTE_ADDR=client_ip
    )
    assert response.status_code < 500
    errors = response.json()["errors"]
    assert expected in errors[0]["message"]
    assert Subscriber.objects.count() == 0
    assert JobAlert.objects.count() == AlertKeyword.objects.count() == 0
    assert mail.outbox == []


def test_signups_are_rate_limited_silently_per_mailbox_and_per_client(
    graphql, ml, client_ip, settings
):
    """Over a limit the answer is the one everybody gets, and nothing is stored or sent: a
    caller cannot learn that an address was just used."""
    settings.NOTIFICATIONS_SIGNUPS_PER_EMAIL_PER_HOUR = 2
    settings.NOTIFICATIONS_SIGNUPS_PER_IP_PER_HOUR = 5
    alert = {"frequency": "DAILY"}
    name = f"known{uuid.uuid4().hex[:6]}"
    first = post(graphql, SUBSCRIBE, {"email": f"{name}@example.org", "alert": alert}, client_ip)
    assert first["data"]["subscribe"]["ok"] is True
    # Other spellings of the same mailbox count against the same limit.
    spellings = [f'"{name}"@EXAMPLE.org', f"{name}+jobs@example.org", f"{name.upper()}@Example.ORG"]
    answers = [
        post(graphql, SUBSCRIBE, {"email": email, "alert": alert}, client_ip) for email in spellings
    ]
    assert answers == [first] * 3
    assert len(mail.outbox) == 2  # the first two attempts; the rest were silently dropped
    assert JobAlert.objects.filter(subscriber__email__iexact=f"{name}@example.org").count() == 2
    assert Subscriber.objects.filter(email__iexact=f"{name}+jobs@example.org").count() == 0

    fresh = post(graphql, SUBSCRIBE, {"email": unique_email(), "alert": alert}, client_ip)
    assert fresh == first and len(mail.outbox) == 3  # 5th attempt from this client
    over = post(graphql, SUBSCRIBE, {"email": unique_email(), "alert": alert}, client_ip)
    assert over == first and len(mail.outbox) == 3


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ('"ann.lee"@example.org', "ann.lee@example.org"),
        ('"ann\\.lee"@Example.ORG', "ann.lee@example.org"),
        ("  Ann.Lee@EXAMPLE.org ", "Ann.Lee@example.org"),
    ],
)
def test_addresses_are_stored_in_one_spelling(graphql, ml, client_ip, given, stored):
    post(graphql, SUBSCRIBE, {"email": given, "alert": {"frequency": "DAILY"}}, client_ip)
    assert list(Subscriber.objects.values_list("email", flat=True)) == [stored]
    assert mail.outbox[0].to == [stored]


@pytest.mark.parametrize(
    "email",
    [
        "ann@[127.0.0.1]",
        "ann@[IPv6:::1]",
        "ann@localhost",
        '"ann lee"@example.org',  # a quoted local part that needs its quotes
    ],
)
def test_addresses_at_ip_literals_or_needing_quotes_are_refused(graphql, ml, client_ip, email):
    response = graphql.post(
        SUBSCRIBE, {"email": email, "alert": {"frequency": "DAILY"}}, REMOTE_ADDR=client_ip
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "SubscriptionError"
    assert Subscriber.objects.count() == 0 and mail.outbox == []


def test_an_old_confirmation_never_undoes_an_unsubscribe(graphql, ml, client_ip):
    email = unique_email()
    post(graphql, SUBSCRIBE, {"email": email, "alert": {"frequency": "DAILY"}}, client_ip)
    old_link = confirm_link_token(mail.outbox[0])
    token = graphql.execute(CONFIRM, {"token": old_link})["confirmSubscription"]["token"]
    graphql.execute(UNSUBSCRIBE, {"token": token})

    errors = graphql.errors(CONFIRM, {"token": old_link})
    assert "unsubscribed after this link was sent" in errors[0]["message"]
    browser = Client()
    assert browser.get(f"/alerts/confirm/{old_link}/").status_code == 400
    assert browser.post(f"/alerts/confirm/{old_link}/").status_code == 400
    subscriber = Subscriber.objects.get(email__iexact=email)
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED

    # Subscribing again is new consent: its own, newer link confirms, the old one still not.
    post(graphql, SUBSCRIBE, {"email": email, "alert": {"frequency": "WEEKLY"}}, client_ip)
    graphql.execute(CONFIRM, {"token": confirm_link_token(mail.outbox[-1])})
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert graphql.errors(CONFIRM, {"token": old_link})
    assert subscriber.alerts.filter(active_since__isnull=False).count() == 2


def test_old_manage_tokens_unsubscribe_but_no_longer_open_the_alerts(graphql, ml, settings):
    subscriber = confirmed_subscriber(unique_email())
    token = manage_token(subscriber.pk)
    settings.NOTIFICATIONS_MANAGE_MAX_AGE_SECONDS = -1  # every token is now too old

    assert "expired" in graphql.errors(SUBSCRIPTION, {"token": token})[0]["message"]
    assert Client().get(f"/alerts/unsubscribe/{token}/").status_code == 200
    assert graphql.execute(UNSUBSCRIBE, {"token": token})["unsubscribe"]["ok"] is True
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_links_in_emails_work_on_this_service(graphql, ml, client_ip):
    email = unique_email()
    post(graphql, SUBSCRIBE, {"email": email, "alert": {"frequency": "DAILY"}}, client_ip)
    browser = Client(enforce_csrf_checks=True)

    confirm_url = f"/alerts/confirm/{confirm_link_token(mail.outbox[0])}/"
    page = browser.get(confirm_url)
    assert page.status_code == 200 and b'<form method="post">' in page.content
    subscriber = Subscriber.objects.get(email__iexact=email)
    # A GET (a mail scanner opening the link) confirms nothing.
    assert subscriber.status == Subscriber.Status.PENDING
    assert not subscriber.alerts.filter(active_since__isnull=False).exists()
    # Nor does a cross-site POST without the page's CSRF token.
    assert Client(enforce_csrf_checks=True).post(confirm_url).status_code == 403
    # The person's button press does.
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    response = browser.post(confirm_url, {"csrfmiddlewaretoken": csrf.decode()})
    assert response.status_code == 200 and b"Alert confirmed" in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED

    url = f"/alerts/unsubscribe/{manage_token(subscriber.pk)}/"
    page = browser.get(url)
    assert page.status_code == 200 and b'<form method="post">' in page.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED  # a GET changes nothing

    # RFC 8058 one-click: a bare POST from the mail provider, no cookies, no CSRF token.
    response = browser.post(
        url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED

    assert browser.get("/alerts/unsubscribe/forged-token/").status_code == 400
    assert browser.get("/alerts/confirm/forged-token/").status_code == 400


PAUSE = """
mutation($token: String!, $id: ID!, $paused: Boolean!) {
  setAlertPaused(token: $token, id: $id, paused: $paused) { ok alert { id paused } }
}
"""


def test_a_paused_alert_gets_nothing_until_resumed(graphql, ml, job_index):
    from notifications import digests
    from tests.notifications.factories import publish_job

    subscriber = confirmed_subscriber("pauser@example.org", disciplines=[ml])
    alert = subscriber.alerts.get()
    token = manage_token(subscriber.pk)
    paused = graphql.execute(PAUSE, {"token": token, "id": alert.pk, "paused": True})
    assert paused["setAlertPaused"]["alert"]["paused"] is True
    publish_job(job_index, title="While paused", disciplines=[ml])
    mail.outbox.clear()
    digests.run_digest("INSTANT", force=True, send=digests.send_batch)
    assert mail.outbox == []
    resumed = graphql.execute(PAUSE, {"token": token, "id": alert.pk, "paused": False})
    assert resumed["setAlertPaused"]["alert"]["paused"] is False
    publish_job(job_index, title="After resuming", disciplines=[ml])
    digests.run_digest("INSTANT", force=True, send=digests.send_batch)
    [message] = mail.outbox
    assert "After resuming" in message.body and "While paused" not in message.body
    other = confirmed_subscriber("other@example.org")
    errors = graphql.errors(
        PAUSE, {"token": manage_token(other.pk), "id": alert.pk, "paused": True}
    )
    assert errors[0]["message"] == "No such alert for this subscription."
