"""Google hears of every change to a job's public page: cms's subscription to the content
lifecycle (content/lifecycle.py) for the Indexing API (cms/google_indexing.py), connected in
CmsConfig.ready() only when GOOGLE_INDEXING_CREDENTIALS_FILE is set. The same events as the
webhooks (cms/revalidation.py), whatever their route."""

from django.db import transaction

from cms.google_indexing import enabled, queue
from cms.tasks import send_google_indexing
from content.lifecycle import ContentChanged, content_changed


def on_content_changed(sender, event: ContentChanged, **kwargs):
    if enabled() and queue(event.pages, event.kind, event.before_move):
        transaction.on_commit(send_google_indexing.delay)


def connect() -> None:
    if enabled():
        content_changed.connect(on_content_changed, dispatch_uid="cms.indexing")
