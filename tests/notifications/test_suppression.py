"""The suppression list: keyed hashes only, every spelling of a mailbox, honoured by the
digests and the confirmation email, lifted by staff with a reason."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from notifications import digests, suppression
from notifications.models import Delivery, JobAlert, Subscriber, Suppression
from tests.notifications.factories import confirmed_subscriber, publish_job
from tests.notifications.test_admin import staff

pytestmark = pytest.mark.django_db

SUBSCRIBE = """
mutation($email: String!, $alert: JobAlertInput!) {
  subscribe(email: $email, alert: $alert) { ok message } }
"""


def test_an_entry_keeps_a_keyed_hash_of_the_mailbox_never_the_address(settings):
    entry = suppression.suppress("Ann.Lee+jobs@GoogleMail.com", "hard_bounce", "dsn", "5.1.1")
    row = Suppression.objects.values().get(pk=entry.pk)
    assert "ann" not in str(row).lower()
    assert len(entry.key) == 64
    # Every spelling of that one inbox is suppressed.
    for spelling in ("annlee@gmail.com", "ANN.LEE@gmail.com", "a.n.n.l.e.e+x@googlemail.com"):
        assert suppression.is_suppressed(spelling)
    assert not suppression.is_suppressed("ann.lee@example.org")
    assert suppression.suppressed(["x@example.org", "annlee@gmail.com"]) == {"annlee@gmail.com"}
    # The key depends on a secret: another secret, another key.
    settings.NOTIFICATIONS_SUPPRESSION_KEY = "another secret"
    assert not suppression.is_suppressed("annlee@gmail.com")


def test_suppressing_twice_keeps_the_first_entry_and_a_lift_is_recorded(django_user_model):
    first = suppression.suppress("bob@example.org", "complaint", "arf")
    assert suppression.suppress("Bob@example.org", "hard_bounce", "dsn") == first
    staff_user = django_user_model.objects.create_user(username="support", password="pw")
    with pytest.raises(ValueError):
        suppression.lift(first, staff_user, "  ")
    suppression.lift(first, staff_user, "They asked us by phone; the mailbox works again.")
    first.refresh_from_db()
    assert first.lifted_by == staff_user and first.lifted_at is not None
    assert not suppression.is_suppressed("bob@example.org")
    # Suppressed again later: a new entry; the lifted one stays as history.
    again = suppression.suppress("bob@example.org", "hard_bounce", "dsn")
    assert again.pk != first.pk and Suppression.objects.count() == 2


def test_a_suppressed_address_that_signs_up_again_gets_the_same_answer_and_no_email(graphql):
    alert = {"frequency": "DAILY"}
    fresh = graphql.post(SUBSCRIBE, {"email": "new@example.org", "alert": alert}).json()
    suppression.suppress("gone@example.org", "complaint", "arf")
    mail.outbox.clear()
    answer = graphql.post(SUBSCRIBE, {"email": "Gone@example.org", "alert": alert}).json()
    assert answer["data"] == fresh["data"]
    assert mail.outbox == []
    assert not Subscriber.objects.filter(email__iexact="gone@example.org").exists()
    assert JobAlert.objects.count() == 1  # new@'s only


def test_digests_skip_suppressed_subscribers(job_index):
    since = timezone.now() - dt.timedelta(minutes=1)
    confirmed_subscriber("kept@example.org", since=since)
    gone = confirmed_subscriber("gone@example.org", since=since)
    publish_job(job_index, title="A job")
    suppression.suppress("gone@example.org", "hard_bounce", "dsn")
    run = digests.run_digest("INSTANT", force=True, send=digests.send_batch)
    assert [message.to for message in mail.outbox] == [["kept@example.org"]]
    assert Delivery.objects.get(subscriber=gone).status == Delivery.Status.SKIPPED
    run.refresh_from_db()
    assert (run.sent, run.skipped) == (1, 1)


def test_staff_add_and_lift_entries_in_the_admin_with_a_reason(django_user_model):
    client = staff(
        django_user_model,
        "support",
        "view_suppression",
        "add_suppression",
        "change_suppression",
    )
    response = client.post(
        "/admin/suppressions/new/", {"address": "carol@example.org", "detail": "asked by phone"}
    )
    assert response.status_code == 302
    entry = Suppression.objects.get()
    assert (entry.reason, entry.source) == ("manual", "admin")
    assert suppression.is_suppressed("carol@example.org")
    listing = client.get("/admin/suppressions/")
    assert listing.status_code == 200 and b"carol" not in listing.content
    # No reason, no lift.
    assert (
        client.post(f"/admin/suppressions/edit/{entry.pk}/", {"lift_reason": ""}).status_code == 200
    )
    assert suppression.is_suppressed("carol@example.org")
    response = client.post(
        f"/admin/suppressions/edit/{entry.pk}/", {"lift_reason": "Mailbox fixed"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.lift_reason == "Mailbox fixed" and entry.lifted_by.username == "support"
    assert not suppression.is_suppressed("carol@example.org")


def test_editors_cannot_see_the_list(django_user_model):
    client = staff(django_user_model, "editor")
    assert client.get("/admin/suppressions/").status_code in (302, 403)


def test_subscribers_bounced_before_the_list_existed_go_on_it():
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "notifications.migrations.0015_suppress_bounced_subscribers"
    )
    for email, status in (("old@example.org", "bounced"), ("fine@example.org", "confirmed")):
        Subscriber.objects.create(
            email=email, status=status, consented_at=timezone.now(), bounce_reason="550 gone"
        )
    migration.suppress_bounced(apps, None)
    migration.suppress_bounced(apps, None)  # twice: still one entry
    assert suppression.suppressed(["old@example.org", "fine@example.org"]) == {"old@example.org"}
    assert Suppression.objects.get().reason == "hard_bounce"
