"""Bounces and complaints: VERP return paths, DSNs and ARF reports read, events recorded,
addresses suppressed at once or after a threshold."""

import datetime as dt
import os
import signal
import smtplib
import subprocess
import sys

import pytest
from django.core import mail
from django.utils import timezone

from notifications import bounces, digests, suppression
from notifications.bounce_receiver import BounceController
from notifications.models import DeliveryEvent, Subscriber
from tests.notifications.bounce_messages import arf, auto_reply, dsn
from tests.notifications.factories import confirmed_subscriber, publish_job
from tests.notifications.smtp import free_port, smtp_server
from tests.processes import ROOT, database_url, wait_for

pytestmark = pytest.mark.django_db

DOMAIN = "jobs.example.org"


@pytest.fixture(autouse=True)
def sending_domain(settings):
    settings.NOTIFICATIONS_SENDING_DOMAIN = DOMAIN
    settings.DEFAULT_FROM_EMAIL = f"Academic Jobs <alerts@{DOMAIN}>"
    return settings


@pytest.fixture
def ann(db):
    return confirmed_subscriber("ann@example.org")


def test_each_digest_goes_out_with_the_subscribers_verp_return_path(job_index):
    since = timezone.now() - dt.timedelta(minutes=1)
    ann = confirmed_subscriber("ann@example.org", since=since)
    publish_job(job_index, title="A job")
    digests.run_digest("INSTANT", force=True, send=digests.send_batch)
    [message] = mail.outbox
    assert message.from_email == bounces.return_path("ann@example.org", ann.pk)
    assert message.from_email.startswith(f"bounces+s{ann.pk}.")
    assert message.from_email.endswith(f"@{DOMAIN}")
    assert message.message()["From"] == f"Academic Jobs <alerts@{DOMAIN}>"
    assert bounces.read_token(message.from_email) == bounces.Token(subscriber_id=ann.pk)


def test_confirmations_carry_the_subscribers_return_path_too(ann):
    from notifications.email import confirmation_message

    message = confirmation_message(ann, ann.alerts.get())
    assert bounces.read_token(message.from_email) == bounces.Token(subscriber_id=ann.pk)
    assert message.message()["From"] == f"Academic Jobs <alerts@{DOMAIN}>"


def test_a_token_with_a_wrong_mac_is_no_token(ann):
    path = bounces.return_path(ann.email, ann.pk)
    forged = path.replace(f"s{ann.pk}.", f"s{ann.pk + 1}.")
    assert bounces.read_token(forged) is None
    assert bounces.read_token(f"bounces+s{ann.pk}.0123456789abcdef@{DOMAIN}") is None
    assert bounces.read_token(f"bounces@{DOMAIN}") is None


def test_verp_is_off_with_an_esp_backend(settings):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    assert bounces.return_path("ann@example.org", 1) == ""


def test_a_hard_bounce_suppresses_at_once_and_marks_the_subscriber(ann):
    path = bounces.return_path(ann.email, ann.pk)
    [event] = bounces.handle_message(dsn(path, ann.email), [path])
    assert (event.kind, event.subscriber, event.status, event.source) == (
        "hard_bounce",
        ann,
        "5.1.1",
        "dsn",
    )
    assert "no such user" in event.detail
    # Neither the event nor the entry names the address (they outlive an erasure).
    assert "ann@" not in event.detail.lower()
    assert "ann@" not in suppression.Suppression.objects.get().detail.lower()
    assert suppression.is_suppressed("ann@example.org")
    ann.refresh_from_db()
    assert ann.status == Subscriber.Status.BOUNCED and "5.1.1" in ann.bounce_reason


def test_soft_bounces_suppress_only_past_the_threshold_within_the_window(ann, settings):
    settings.NOTIFICATIONS_SOFT_BOUNCE_LIMIT = 3
    settings.NOTIFICATIONS_SOFT_BOUNCE_WINDOW_DAYS = 7
    path = bounces.return_path(ann.email, ann.pk)
    delayed = dsn(path, ann.email, action="delayed", status="4.2.2")
    gave_up = dsn(path, ann.email, action="failed", status="4.4.7")
    # One from long ago does not count.
    bounces.record(
        "soft_bounce", subscriber=ann, source="dsn", when=timezone.now() - dt.timedelta(days=8)
    )
    bounces.handle_message(delayed, [path])
    bounces.handle_message(gave_up, [path])
    assert not suppression.is_suppressed(ann.email)
    assert Subscriber.objects.get(pk=ann.pk).status == Subscriber.Status.CONFIRMED
    bounces.handle_message(delayed, [path])
    assert suppression.is_suppressed(ann.email)
    assert DeliveryEvent.objects.filter(kind="soft_bounce").count() == 4
    entry = suppression.Suppression.objects.get()
    assert entry.reason == "soft_bounces"


def test_a_complaint_suppresses_and_unsubscribes(ann):
    path = bounces.return_path(ann.email, ann.pk)
    # Sent to the feedback loop's address, not to the VERP one: the quoted original's
    # Return-Path names the subscriber.
    [event] = bounces.handle_message(arf(f"fbl@{DOMAIN}", ann.email, path), [f"fbl@{DOMAIN}"])
    assert (event.kind, event.subscriber, event.source) == ("complaint", ann, "arf")
    assert suppression.is_suppressed(ann.email)
    ann.refresh_from_db()
    assert ann.status == Subscriber.Status.UNSUBSCRIBED and ann.unsubscribed_at is not None


def test_reports_that_are_not_ours_or_not_failures_change_nothing(ann):
    path = bounces.return_path(ann.email, ann.pk)
    forged = f"bounces+s{ann.pk}.{'0' * 16}@{DOMAIN}"
    assert bounces.handle_message(dsn(forged, ann.email), [forged]) == []
    assert (
        bounces.handle_message(dsn(path, ann.email, action="delivered", status="2.0.0"), [path])
        == []
    )
    assert bounces.handle_message(auto_reply(path), [path]) == []
    not_spam = arf(f"fbl@{DOMAIN}", ann.email, path, feedback_type="not-spam")
    assert bounces.handle_message(not_spam, [f"fbl@{DOMAIN}"]) == []
    assert not DeliveryEvent.objects.exists() and not suppression.is_suppressed(ann.email)


def test_an_institution_contacts_bounce_needs_the_address_its_token_names():
    path = bounces.return_path("contact@uni.example")
    assert path.startswith("bounces+r")
    assert bounces.handle_message(dsn(path, "someone-else@uni.example"), [path]) == []
    [event] = bounces.handle_message(dsn(path, "contact@uni.example"), [path])
    assert event.subscriber is None
    assert suppression.is_suppressed("contact@uni.example")


# --- the receiver, over the wire ------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("lmtp", [False, True])
def test_the_receiver_reads_reports_sent_over_smtp_and_lmtp(lmtp, sending_domain):
    ann = confirmed_subscriber("ann@example.org")
    bob = confirmed_subscriber("bob@example.org")
    port = free_port()
    controller = BounceController("127.0.0.1", port, lmtp=lmtp)
    controller.start()
    try:
        client = smtplib.LMTP("127.0.0.1", port) if lmtp else smtplib.SMTP("127.0.0.1", port)
        with client:
            ann_path = bounces.return_path(ann.email, ann.pk)
            client.sendmail("", [ann_path], dsn(ann_path, ann.email))
            bob_path = bounces.return_path(bob.email, bob.pk)
            client.sendmail("", [f"fbl@{DOMAIN}"], arf(f"fbl@{DOMAIN}", bob.email, bob_path))
            # Not a mailbox here: refused.
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.sendmail("", ["someone@elsewhere.example"], auto_reply("x"))
    finally:
        controller.stop()
    # 250 only once recorded: nothing to wait for.
    assert suppression.is_suppressed(ann.email) and suppression.is_suppressed(bob.email)
    assert dict(DeliveryEvent.objects.values_list("subscriber__email", "kind")) == {
        "ann@example.org": "hard_bounce",
        "bob@example.org": "complaint",
    }


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_manage_py_receive_bounces_end_to_end(tmp_path, settings):
    """The documented way to run it: `manage.py receive_bounces`, its own process on the
    database, real DSN and ARF messages sent to it with smtplib; SIGTERM stops it."""
    ann = confirmed_subscriber("ann@example.org")
    bob = confirmed_subscriber("bob@example.org")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url(),
        "DEV_ENV_FILE": "",
        "SECRET_KEY": settings.SECRET_KEY,
        "NOTIFICATIONS_SENDING_DOMAIN": DOMAIN,
    }
    log = tmp_path / "receiver.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "receive_bounces", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: "Receiving bounces" in log.read_text(), 60, "the receiver to start")
        with smtplib.SMTP("127.0.0.1", port) as client:
            ann_path = bounces.return_path(ann.email, ann.pk)
            client.sendmail("", [ann_path], dsn(ann_path, ann.email))
            bob_path = bounces.return_path(bob.email, bob.pk)
            delayed = dsn(bob_path, bob.email, action="delayed", status="4.2.2")
            client.sendmail("", [bob_path], delayed)
            client.sendmail("", [f"fbl@{DOMAIN}"], arf(f"fbl@{DOMAIN}", bob.email, bob_path))
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    kinds = sorted(DeliveryEvent.objects.values_list("subscriber__email", "kind"))
    assert kinds == [
        ("ann@example.org", "hard_bounce"),
        ("bob@example.org", "complaint"),
        ("bob@example.org", "soft_bounce"),
    ], log.read_text()
    assert suppression.suppressed([ann.email, bob.email]) == {ann.email, bob.email}


# --- the admin ------------------------------------------------------------------------------


def test_events_and_daily_rates_are_in_the_admin(django_user_model, ann):
    from notifications import sending
    from tests.notifications.test_admin import staff

    sending.record_sent("digest", 400)
    path = bounces.return_path(ann.email, ann.pk)
    bounces.handle_message(dsn(path, ann.email), [path])
    bounces.record("complaint", address="zed@example.org", source="arf")
    client = staff(django_user_model, "deliverability", "view_deliveryevent")
    events = client.get("/admin/delivery_events/")
    assert events.status_code == 200
    assert b"Hard bounce" in events.content and b"5.1.1" in events.content
    report = client.get("/admin/reports/delivery-rates/")
    assert report.status_code == 200
    # Today: 400 emails, one hard bounce, one complaint: 0.25% each.
    assert report.content.count(b"0.25%") == 2
    editor = staff(django_user_model, "editor")
    assert editor.get("/admin/reports/delivery-rates/").status_code in (302, 403)
    assert editor.get("/admin/delivery_events/").status_code in (302, 403)


def test_the_daily_rates_count_every_email_sent_not_only_digests(
    job_index, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    """A digest, a confirmation and an institution notice: three emails sent today, and the
    rates' denominator says three."""
    from notifications.admin_views import daily_rates
    from notifications.email import confirmation_message
    from notifications.models import JobAlert
    from tests.content.factories import InstitutionFactory, JobPostingPageFactory

    confirmed_subscriber("ann@example.org", since=timezone.now() - dt.timedelta(minutes=1))
    pending = Subscriber.objects.create(email="bob@example.org", consented_at=timezone.now())
    alert = JobAlert.objects.create(subscriber=pending, frequency="DAILY")
    confirmation_message(pending, alert).send()
    oxford = InstitutionFactory(name="Oxford", slug="oxford", notices_email="jobs@ox.example")
    job = JobPostingPageFactory(parent=job_index, institution=oxford, live=False)
    with django_capture_on_commit_callbacks(execute=True):
        job.save_revision().publish()  # the institution is told it went live
    digests.run_digest("INSTANT", force=True, send=digests.send_batch)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ann@example.org",
        "bob@example.org",
        "jobs@ox.example",
    ]
    bounces.record("hard_bounce", address="ann@example.org", source="dsn")
    [today] = daily_rates(days=1)
    assert (today.emails, today.hard_bounces, today.bounce_rate) == (3, 1, "33.33%")


# --- one rule for every source ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "status", "soft", "kind"),
    [
        ("failed", "5.1.1", False, "hard_bounce"),
        ("failed", "550", False, "hard_bounce"),
        ("failed", "", False, "hard_bounce"),
        ("failed", "4.4.7", False, "soft_bounce"),
        ("failed", "452", False, "soft_bounce"),
        ("failed", "5.0.0", True, "soft_bounce"),  # the ESP says soft
        ("delayed", "", False, "soft_bounce"),
        ("failed", "421", False, None),  # the server's "not now", not the mailbox's
        ("complaint", "", False, "complaint"),
        ("delivered", "2.0.0", False, None),
    ],
)
def test_one_classification_for_every_source(outcome, status, soft, kind):
    assert bounces.classify(outcome, status, soft=soft) == kind


def test_smtp_refusals_at_the_send_are_classified_as_every_bounce(job_index, settings):
    """A 451 at RCPT is a soft bounce, counted once however often the batch is retried; a 550
    a hard bounce that suppresses at once (the same rule as DSNs and ESP events)."""
    settings.NOTIFICATIONS_SOFT_BOUNCE_LIMIT = 2
    since = timezone.now() - dt.timedelta(minutes=1)
    soft = confirmed_subscriber("soft@example.org", since=since)
    hard = confirmed_subscriber("hard@uni.example", since=since)
    publish_job(job_index, title="Postdoc in optics")
    batches = []
    with smtp_server() as (handler, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        handler.bounce = {hard.email}
        digests.run_digest("INSTANT", force=True, send=lambda *batch: batches.append(batch))
        (batch,) = batches
        for _ in range(2):  # the batch and Celery's retry of it meet the same 451
            handler.refuse_next_rcpt = 1
            with pytest.raises(digests.TransientSendError):
                digests.send_batch(*batch)
        events = DeliveryEvent.objects.order_by("kind")
        assert [(e.kind, e.subscriber, e.source, e.status) for e in events] == [
            ("hard_bounce", hard, "smtp", "550"),
            ("soft_bounce", soft, "smtp", "451"),
        ]
        assert suppression.is_suppressed(hard.email)
        assert not suppression.is_suppressed(soft.email)  # one soft bounce, not two
        assert Subscriber.objects.get(pk=hard.pk).bounce_reason.startswith("550 5.1.1")
        digests.send_batch(*batch)
        assert [rcpt for rcpt, _ in handler.accepted] == [soft.email]
