"""Wagtail's scheduled expiry for many jobs at once: what `manage.py publish_scheduled` does to
each expired page, `page.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")`,
in a few statements per batch instead of about twenty per page.

Mirrors wagtail/actions/unpublish.py (`UnpublishAction._unpublish_object`) and
wagtail/actions/unpublish_page.py (`UnpublishPageAction._after_unpublish`) of Wagtail 7.4.4
(pyproject pins wagtail 7.4), for the pages the command loads (`Page.objects.filter(live=True,
expire_at__lt=now)`: plain `Page` instances, so it saves only the `wagtailcore_page` row):

- the row: `live` False, `has_unpublished_changes` True, `live_revision` null, `expired` True
  (one UPDATE; the command's `save(clean=False)` of a plain Page writes the same values and
  nothing else changes in it);
- the log entry: one `wagtail.unpublish.scheduled` entry per page, as `log()` writes it for a
  plain Page (content type `wagtailcore.page`, the specific page's admin title, the active log
  context's user and uuid), in one INSERT;
- the revisions' `approved_go_live_at` cleared: one UPDATE;
- the search entries: their texts stay as they are (a job's entry holds no field expiry
  changes), but PostgreSQL's backend's add, which the command's save runs, sets each entry's
  `title_norm` again from the average title length now: content/imports/bulk_search.py
  `rerank`, one UPDATE (SQLite's keeps it);
- Wagtail's signals `page_unpublished` (specific class and instance) and `unpublished` (as the
  command sends them; the lifecycle reports the batch in one event instead of one per page).

Not mirrored, so left to the command, page by page: aliases and pages with aliases (Wagtail
unpublishes each alias with its page). What the command's save also triggers and this
skips writes nothing that differs: the reference index of a plain Page's row has the same
rows, and the project's receivers of a page save (employers' permissions) do not see a plain
Page.
tests/content/test_lifecycle_batches.py runs the command and this on the same jobs and
compares the rows, log entries, revisions, references, search entries, events and webhooks;
rerun it on a Wagtail upgrade.
"""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.utils import timezone
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.signals import page_unpublished, unpublished

from content.imports import bulk_search
from content.models import JobPostingPage

logger = logging.getLogger("wagtail")

ACTION = "wagtail.unpublish.scheduled"
BATCH = 500  # jobs expired in one transaction, with one event


def expirable_jobs(now):
    """Live jobs whose expiry has passed, neither aliases nor with aliases, oldest expiry first (the
    command's order), specific."""
    aliases = Page.objects.filter(alias_of_id=OuterRef("pk"))
    return (
        JobPostingPage.objects.filter(live=True, expire_at__lt=now, alias_of__isnull=True)
        .exclude(Exists(aliases))
        .order_by("expire_at", "pk")
    )


def unpublish_expired(pages: list[Page]) -> None:
    """Expire `pages` (specific, live, without aliases) as the command's `unpublish` does.
    Runs inside the caller's transaction."""
    if not pages:
        return
    ids = [page.pk for page in pages]
    Page.objects.filter(pk__in=ids).update(
        live=False, has_unpublished_changes=True, live_revision=None, expired=True
    )
    context = get_active_log_context()
    at = timezone.now()
    page_type = ContentType.objects.get_for_model(Page)
    for page in pages:
        page.live, page.has_unpublished_changes, page.expired = False, True, True
        page.live_revision = None
    PageLogEntry.objects.bulk_create(
        PageLogEntry(
            page_id=page.pk,
            content_type=page_type,
            label=page.get_admin_display_title(),
            action=ACTION,
            timestamp=at,
            data={},
            user=context.user,
            uuid=context.uuid,
        )
        for page in pages
    )
    Revision.page_revisions.filter(object_id__in=[str(pk) for pk in ids]).update(
        approved_go_live_at=None
    )
    bulk_search.rerank(pages)
    for page in pages:
        logger.info('Unpublished: "%s" pk=%s', page, page.pk)
        page_unpublished.send(sender=type(page), instance=page)
        unpublished.send(sender=Page, instance=page)
