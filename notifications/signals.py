"""Notifications' subscription to the content lifecycle (content/lifecycle.py), connected in
NotificationsConfig.ready(): a job that goes live for the first time, by any route, is
recorded for the digests."""

from django.db import transaction

from content.lifecycle import ContentChanged, Kind, content_changed
from content.models import JobPostingPage
from notifications.publishing import record_first_publications
from notifications.tasks import enqueue_instant_digest


def on_content_changed(sender, event: ContentChanged, **kwargs):
    if event.kind != Kind.PUBLISHED:
        return
    jobs = [page for page in event.pages if isinstance(page, JobPostingPage)]
    if jobs and record_first_publications(jobs):
        transaction.on_commit(enqueue_instant_digest)


def connect():
    content_changed.connect(on_content_changed, dispatch_uid="notifications.content_changed")
