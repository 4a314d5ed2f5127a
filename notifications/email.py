"""The emails: confirmation and digest messages, with their links and list headers."""

from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from content.iso import country_name
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


def job_url(job) -> str:
    return settings.NOTIFICATIONS_JOB_URL.format(slug=job.slug, id=job.pk)


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
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {})
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


def job_summary(job) -> dict:
    location = ", ".join(part for part in (job.city, country_name(job.country)) if part)
    return {
        "title": job.title,
        "institution": job.institution.name,
        "location": location,
        "remote": job.get_remote_policy_display(),
        "closing_date": job.closing_date,
        "url": job_url(job),
    }


@dataclass(frozen=True)
class RenderedJob:
    """A job's entry in a digest, rendered once and shared by every email that lists it."""

    title: str
    text: str
    html: str


def render_job(job) -> RenderedJob:
    context = {"job": job_summary(job)}
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
