"""Notifications' subscriptions, connected in NotificationsConfig.ready():

- the content lifecycle (content/lifecycle.py): a job that goes live for the first time, by
  any route, is recorded for the digests; and the institution's lifecycle notices (went
  live, closed: notifications/institution_notices.py);
- Wagtail's moderation (`task_rejected`): the institution is told a posting needs changes;
- employers' feeds (`content.imports.feeds.feed_failed`): the institution is told a feed
  failed or was paused;
- django-anymail's `tracking` signal (its verified webhooks): an ESP's bounces, complaints,
  unsubscribes and rejections (notifications/bounces.py).

Each records in the event's transaction and sends after commit."""

from anymail.signals import tracking
from django.db import transaction
from wagtail.signals import task_rejected

from content.imports.feeds import feed_failed
from content.lifecycle import ContentChanged, Kind, content_changed
from content.models import JobPostingPage
from notifications import bounces, institution_notices
from notifications.publishing import record_first_publications
from notifications.tasks import enqueue_instant_digest, enqueue_institution_notices


def on_content_changed(sender, event: ContentChanged, **kwargs):
    _tell(institution_notices.for_event(event))
    if event.kind != Kind.PUBLISHED:
        return
    jobs = [page for page in event.pages if isinstance(page, JobPostingPage)]
    if jobs and record_first_publications(jobs):
        transaction.on_commit(enqueue_instant_digest)


def on_task_rejected(sender, instance, user=None, **kwargs):
    _tell(institution_notices.for_rejection(instance, user))


def on_feed_failed(sender, feed, run, paused: bool, **kwargs):
    _tell(institution_notices.for_feed_failure(feed, run, paused))


def _tell(notices):
    ids = institution_notices.record(notices)
    if ids:
        transaction.on_commit(lambda: enqueue_institution_notices(ids))


def connect():
    content_changed.connect(on_content_changed, dispatch_uid="notifications.content_changed")
    task_rejected.connect(on_task_rejected, dispatch_uid="notifications.task_rejected")
    feed_failed.connect(on_feed_failed, dispatch_uid="notifications.feed_failed")
    tracking.connect(bounces.on_tracking_event, dispatch_uid="notifications.anymail_tracking")
