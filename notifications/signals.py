"""Signal receivers, connected in NotificationsConfig.ready()."""

from wagtail.signals import page_published

from content.models import JobPostingPage
from notifications.publishing import record_first_publication


def on_job_published(sender, instance, **kwargs):
    record_first_publication(instance)


def connect():
    page_published.connect(
        on_job_published, sender=JobPostingPage, dispatch_uid="notifications.job_published"
    )
