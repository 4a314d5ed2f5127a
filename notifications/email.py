"""The emails: confirmation and digest messages, with their links and list headers."""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from content.iso import country_name
from content.models import RemotePolicy
from notifications.mime import AlternativesEmail
from notifications.tokens import confirm_token, manage_token


def _absolute(path: str) -> str:
    return settings.NOTIFICATIONS_PUBLIC_BASE_URL.rstrip("/") + path


def confirm_url(subscriber_id: int, alert_id: int) -> str:
    token = confirm_token(subscriber_id, alert_id)
    return _absolute(reverse("notifications:confirm", args=[token]))


def unsubscribe_url(token: str) -> str:
    return _absolute(reverse("notifications:unsubscribe", args=[token]))


def manage_url(token: str) -> str:
    return settings.NOTIFICATIONS_MANAGE_URL.format(token=quote(token))


def _list_headers(token: str) -> dict[str, str]:
    targets = [f"<{unsubscribe_url(token)}>"]
    if settings.NOTIFICATIONS_UNSUBSCRIBE_MAILTO:
        targets.append(f"<mailto:{settings.NOTIFICATIONS_UNSUBSCRIBE_MAILTO}?subject=unsubscribe>")
    return {
        "List-Unsubscribe": ", ".join(targets),
        # RFC 8058: mail clients may POST this body to the HTTPS URL to unsubscribe at once.
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": settings.NOTIFICATIONS_LIST_ID,
        "Auto-Submitted": "auto-generated",
    }


def _message(template: str, subject: str, to: str, context: dict, headers=None):
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = AlternativesEmail(subject, text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def confirmation_message(subscriber, alert) -> EmailMultiAlternatives:
    """The only email an unconfirmed address ever gets."""
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "confirm_url": confirm_url(subscriber.pk, alert.pk),
        "alert": alert,
        "valid_days": max(1, settings.NOTIFICATIONS_CONFIRM_MAX_AGE_SECONDS // 86400),
    }
    subject = f"Confirm your job alert at {settings.WAGTAIL_SITE_NAME}"
    return _message("confirm", subject, subscriber.email, context)


# What a digest shows of a job, read as plain values: a batch reads a few hundred jobs and
# needs none of the page machinery.
JOB_FIELDS = (
    "pk",
    "title",
    "slug",
    "institution__name",
    "city",
    "country",
    "remote_policy",
    "closing_date",
)


_REMOTE_LABELS = dict(RemotePolicy.choices)


@dataclass(frozen=True)
class JobSummary:
    title: str
    institution: str
    location: str
    remote: str
    closing_date: dt.date
    url: str


def job_summary(pk, title, slug, institution, city, country, remote_policy, closing_date):
    """A job's digest entry from the values of JOB_FIELDS, in that order."""
    return JobSummary(
        title=" ".join(title.split()),  # one line in the subject and the text part
        institution=institution,
        location=", ".join(part for part in (city, country_name(country)) if part),
        remote=_REMOTE_LABELS.get(remote_policy, remote_policy),
        closing_date=closing_date,
        url=settings.NOTIFICATIONS_JOB_URL.format(slug=slug, id=pk),
    )


@dataclass(frozen=True)
class RenderedJob:
    """A job's entry in a digest, rendered once and shared by every email that lists it."""

    title: str
    text: str
    html: str


@lru_cache(maxsize=4096)
def render_job(job: JobSummary) -> RenderedJob:
    """Keyed on everything the entry shows, so a worker renders each job once across its
    batches and a changed job is rendered afresh."""
    context = {"job": job}
    return RenderedJob(
        title=job.title,
        text=render_to_string("notifications/email/job.txt", context),
        html=render_to_string("notifications/email/job.html", context),
    )


def digest_message(subscriber, jobs: list[RenderedJob]) -> EmailMultiAlternatives:
    """One email with every job of this run for one subscriber."""
    token = manage_token(subscriber.pk)
    if len(jobs) == 1:
        subject = f"New job: {jobs[0].title}"
    else:
        subject = f"{len(jobs)} new jobs matching your alerts"
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "jobs_text": "".join(job.text for job in jobs),
        "jobs_html": mark_safe("".join(job.html for job in jobs)),  # rendered, escaped
        "manage_url": manage_url(token),
        "unsubscribe_url": unsubscribe_url(token),
    }
    return _message("digest", subject, subscriber.email, context, headers=_list_headers(token))
