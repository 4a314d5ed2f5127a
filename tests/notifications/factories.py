"""Factories for the notification tests: published jobs, subscribers and their alerts."""

from django.utils import timezone

from notifications.models import AlertKeyword, JobAlert, Subscriber
from tests.content.factories import JobPostingPageFactory


def publish_job(job_index, **fields):
    """Create a job as a draft and publish it the way the admin does (fires page_published)."""
    job = JobPostingPageFactory(parent=job_index, live=False, **fields)
    job.save_revision().publish()
    job.refresh_from_db()
    return job


def confirmed_subscriber(email, **alert):
    """A confirmed subscriber with one alert (`alert` takes add_alert's keywords)."""
    subscriber = Subscriber.objects.create(
        email=email,
        status=Subscriber.Status.CONFIRMED,
        consented_at=timezone.now(),
        confirmed_at=timezone.now(),
    )
    add_alert(subscriber, **alert)
    return subscriber


def add_alert(
    subscriber,
    *,
    frequency="INSTANT",
    disciplines=(),
    roles=(),
    countries=(),
    keywords=(),
    remote="",
    since=None,
):
    alert = JobAlert.objects.create(
        subscriber=subscriber,
        frequency=frequency,
        countries=JobAlert.pack_countries(countries),
        remote=remote,
        active_since=since or timezone.now(),
        any_discipline=not disciplines,
    )
    alert.disciplines.set(disciplines)
    alert.roles.set(roles)
    for word in keywords:
        AlertKeyword.objects.create(alert=alert, keyword=word.lower())
    return alert
