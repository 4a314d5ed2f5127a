"""The frontend hears of every public change: cms's subscription to the content lifecycle
(content/lifecycle.py), connected in CmsConfig.ready(). Each event becomes one webhook per
page and URL (cms/webhooks.py), sent by a Celery task once the change has committed, whatever
its route: the admin, the scheduler, an import, a feed, the employer API, a privacy change,
a deletion or a move (old and new URL)."""

from django.db import transaction

from cms.tasks import deliver_webhook
from cms.webhooks import create_deliveries
from content.lifecycle import ContentChanged, content_changed


def on_content_changed(sender, event: ContentChanged, **kwargs):
    # The webhook's event names are the lifecycle's kinds ("published", "privacy", ...).
    for delivery in create_deliveries(event.pages, event.kind.value, event.before_move):
        transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.delay(pk))


def connect() -> None:
    content_changed.connect(on_content_changed, dispatch_uid="cms.revalidation")
