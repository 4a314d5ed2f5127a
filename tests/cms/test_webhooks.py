"""Webhooks: signed POSTs to a real local HTTP server on publish, unpublish and expiry."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cms.models import WebhookDelivery
from config.celery import app as celery_app
from tests.cms.webhook_receiver import SECRET, Receiver
from tests.factories import JobPostingPageFactory


@pytest.fixture
def receiver(settings, monkeypatch):
    server = Receiver()
    settings.WEBHOOK_URLS = [server.url]
    settings.WEBHOOK_SECRET = SECRET
    settings.WEBHOOK_MAX_ATTEMPTS = 4
    # Unit tests run the task eagerly (retries run at once); the digest e2e tests use a worker.
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)
    yield server
    server.close()


def publish(job, capture):
    with capture(execute=True):
        job.save_revision().publish()


def test_publish_posts_a_signed_payload(job_index, receiver, django_capture_on_commit_callbacks):
    job = JobPostingPageFactory(parent=job_index, live=False)
    publish(job, django_capture_on_commit_callbacks)

    [request] = receiver.requests
    assert request["valid"] and request["event"] == "published"
    payload = request["payload"]
    assert payload["event"] == "published" and payload["id"] == request["delivery"]
    assert payload["page"]["id"] == job.pk and payload["page"]["slug"] == job.slug
    assert payload["page"]["type"] == "content.JobPostingPage"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("DELIVERED", 1, 200)


def test_failures_are_retried_then_delivered(
    job_index, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 503]
    job = JobPostingPageFactory(parent=job_index, live=False)
    publish(job, django_capture_on_commit_callbacks)

    assert len(receiver.requests) == 3
    assert len({request["delivery"] for request in receiver.requests}) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("DELIVERED", 3)


def test_rejected_payload_is_not_retried(job_index, receiver, django_capture_on_commit_callbacks):
    receiver.answers = [400]
    publish(JobPostingPageFactory(parent=job_index, live=False), django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("FAILED", 1, 400)
    assert delivery.last_error == "nope"


def test_unreachable_receiver_gives_up_after_max_attempts(
    job_index, receiver, settings, django_capture_on_commit_callbacks
):
    receiver.close()  # nothing listens on that port any more
    publish(JobPostingPageFactory(parent=job_index, live=False), django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("FAILED", settings.WEBHOOK_MAX_ATTEMPTS)
    assert "ConnectionError" in delivery.last_error


def test_wrong_secret_is_refused_by_the_receiver(
    job_index, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_SECRET = "not-the-shared-secret"
    publish(JobPostingPageFactory(parent=job_index, live=False), django_capture_on_commit_callbacks)
    assert receiver.requests[0]["valid"] is False
    assert WebhookDelivery.objects.get().status == "FAILED"


def test_unpublish_and_expiry(job_index, receiver, django_capture_on_commit_callbacks, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    job = JobPostingPageFactory(parent=job_index)
    other = JobPostingPageFactory(parent=job_index)
    with django_capture_on_commit_callbacks(execute=True):
        job.unpublish()
    # The scheduler expires the other job the day after its closing date.
    later = other.closes_at + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")

    events = [(r["event"], r["payload"]["page"]["id"]) for r in receiver.requests]
    assert events == [("unpublished", job.pk), ("expired", other.pk)]
    assert all(request["valid"] for request in receiver.requests)


def test_scheduled_publish_waits_for_go_live(
    job_index, receiver, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    job = JobPostingPageFactory(parent=job_index, live=False)
    job.go_live_at = timezone.now() + dt.timedelta(hours=1)
    publish(job, django_capture_on_commit_callbacks)
    assert receiver.requests == [] and WebhookDelivery.objects.count() == 0


def test_nothing_is_sent_without_a_secret(
    job_index, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_SECRET = ""
    publish(JobPostingPageFactory(parent=job_index, live=False), django_capture_on_commit_callbacks)
    assert receiver.requests == [] and WebhookDelivery.objects.count() == 0


def test_delivery_log_in_the_admin_is_read_only(
    job_index, receiver, django_capture_on_commit_callbacks
):
    job = JobPostingPageFactory(parent=job_index, live=False, title="Logged job")
    publish(job, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    listing = client.get(reverse("wagtailsnippets_cms_webhookdelivery:list"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Logged job" in html and receiver.url in html
    delivery = WebhookDelivery.objects.get()
    inspect = client.get(reverse("wagtailsnippets_cms_webhookdelivery:inspect", args=[delivery.pk]))
    assert inspect.status_code == 200
    add = client.get(reverse("wagtailsnippets_cms_webhookdelivery:add"))
    assert add.status_code in (302, 403)
    edit = client.get(reverse("wagtailsnippets_cms_webhookdelivery:edit", args=[delivery.pk]))
    assert edit.status_code in (302, 403)
