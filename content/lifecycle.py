"""The one place that says what happened to public content: `content_changed`.

Content reaches the public, changes there or leaves it by many routes: the admin, Wagtail's
scheduler (`publish_scheduled`: go-live and expiry, which is how a job closes), code calling
Wagtail's API, the bulk path (imports, employers' feeds, the employer API), privacy
settings (page view restrictions, collection view restrictions), moves in the page tree
(new URLs) and retention (closed jobs deleted). Every route ends here, and
this module sends one project signal, `content_changed`, with a `ContentChanged` event: what
happened (`Kind`), to which pages, and who did it (`Source`).

    Wagtail's signals ──┐
    (page_published,    │                       ┌─ notifications: first publications → digests
     page_unpublished,  ├─► content_changed ────┼─ cms.revalidation: webhooks → the frontend
     pre_delete,        │   (ContentChanged)    ├─ cms.caching: the response cache's generation
     post_page_move,    │                       └─ content.open_counts, cms.indexing (Google)
     view restrictions) │
    the bulk path ──────┤  (pages_published: one event per chunk)
    batches ────────────┘  (expire_due_jobs, delete_pages: one event per batch)

Each subscriber connects in its own app's `ready()`; content/ knows none of them. Only
changes the public can see are events: a draft saved or submitted to moderation is not one
(the live version, and with it the search index entry, stays as it was).

Search entries are not a subscriber: Wagtail's search index mirrors the page *row*, written
with it (Wagtail's post_save handler, or content/imports/bulk_search.py on the bulk path),
and a live page's row is its live version: Wagtail writes a draft to revisions only.
"""

import contextlib
import contextvars
import copy
from dataclasses import dataclass, field
from enum import StrEnum

import django.dispatch
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    ReferenceIndex,
)
from wagtail.signals import page_published, page_unpublished, post_page_move


class Kind(StrEnum):
    PUBLISHED = "published"  # first publication or a new live version
    UNPUBLISHED = "unpublished"  # taken off (the admin, a feed that no longer lists a job)
    EXPIRED = "expired"  # its expiry passed: a job whose closing date has gone
    PRIVACY = "privacy"  # a view restriction on it, or on media it shows, was set or lifted
    DELETED = "deleted"  # a live page was deleted
    MOVED = "moved"  # a live page moved in the tree: its URL (and its descendants') changed


class Source(StrEnum):
    WAGTAIL = "wagtail"  # the admin, or any code using Wagtail's own API
    SCHEDULER = "scheduler"  # publish_scheduled: go-live and expiry
    IMPORT = "import"  # manage.py import_jobs
    FEED = "feed"  # an employer's job feed
    API = "api"  # the employer API (submitJobPosting, submitJobPostings)
    RETENTION = "retention"  # closed jobs deleted after their window (content/retention.py)


@dataclass(frozen=True)
class ContentChanged:
    kind: Kind
    source: Source
    # The pages as they are now (as they were, for DELETED), specific where the sender has
    # them so. Live pages only: what the public could see, or sees now.
    pages: tuple[Page, ...]
    # MOVED: each page's url_path before the move, by page id (the old URL to revalidate).
    previous_url_paths: dict[int, str] = field(default_factory=dict)

    @property
    def page_ids(self) -> list[int]:
        return [page.pk for page in self.pages]

    def before_move(self, page: Page) -> Page | None:
        """MOVED: the page as it was addressed before the move (a copy with its old
        url_path, so `get_url()` gives the old URL); None for other events."""
        if page.pk not in self.previous_url_paths:
            return None
        old = copy.copy(page)
        old.url_path = self.previous_url_paths[page.pk]
        return old


# Receivers: `def receiver(sender, event: ContentChanged, **kwargs)`. Sent inside the
# writer's transaction: a receiver that talks to the outside does it on commit.
content_changed = django.dispatch.Signal()

_source = contextvars.ContextVar("content_source", default=Source.WAGTAIL)


@contextlib.contextmanager
def acting_as(source: Source):
    """Changes made through Wagtail's API inside this block are reported as `source`'s."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def emit(
    kind: Kind, pages, source: Source | None = None, previous_url_paths=None
) -> ContentChanged | None:
    pages = tuple(pages)
    if not pages:
        return None
    event = ContentChanged(
        kind=kind,
        source=source or _source.get(),
        pages=pages,
        previous_url_paths=dict(previous_url_paths or {}),
    )
    content_changed.send(sender=ContentChanged, event=event)
    return event


# --- Explicit calls: the bulk path, which writes pages without Wagtail's signals.


def pages_published(pages, source: Source) -> ContentChanged | None:
    """A chunk of pages the bulk path has just made live (new, or a new live version)."""
    return emit(Kind.PUBLISHED, pages, source)


# Pages whose Wagtail signals a batch reports in one event of its own (the batched expiry
# and deletion below): their per-page signals are not events.
_batched: set[int] = set()


@contextlib.contextmanager
def _one_event_for(pages):
    ids = {page.pk for page in pages} - _batched
    _batched.update(ids)
    try:
        yield
    finally:
        _batched.difference_update(ids)


def expire_due_jobs(now) -> int:
    """Scheduled expiry of the jobs whose expiry has passed, page_batches.BATCH to a
    transaction and one EXPIRED event per batch (content/page_batches.py writes what Wagtail's
    `unpublish` writes). Pages it leaves (other types, aliases) are Wagtail's
    `publish_scheduled` to expire one by one, as before. How many jobs expired."""
    from django.db import transaction

    from content import page_batches

    expired = 0
    while True:
        with transaction.atomic():
            pages = list(page_batches.expirable_jobs(now)[: page_batches.BATCH])
            if not pages:
                return expired
            with _one_event_for(pages):
                page_batches.unpublish_expired(pages)
            emit(Kind.EXPIRED, pages)
        expired += len(pages)


def delete_pages(pages) -> None:
    """Delete pages through treebeard's queryset delete (what `Page.delete` calls for one
    page, with Django's deletion collector and Wagtail's own delete signal receivers), as
    one DELETED event for the live ones among them, sent before they go (as they were).
    Wagtail's `Page.delete` also writes a wagtail.delete log entry for each page: callers
    that keep log entries write them (content/retention.py deletes them with the job)."""
    pages = list(pages)
    if not pages:
        return
    emit(Kind.DELETED, [page for page in pages if page.live])
    with _one_event_for(pages):
        Page.objects.filter(pk__in=[page.pk for page in pages]).delete()


# --- Wagtail's signals, for everything that goes through Wagtail's own API.


def _published(sender, instance, **kwargs):
    # Wagtail also sends page_published when a revision is only scheduled.
    if instance.live and instance.pk not in _batched:
        emit(Kind.PUBLISHED, [instance])


# Pages being deleted: Wagtail unpublishes a live page in its pre_delete receiver, and that
# unpublish is the deletion's, not an event of its own.
_deleting: set[int] = set()


def _unpublished(sender, instance, **kwargs):
    if instance.pk in _batched:
        return
    if instance.pk in _deleting:  # Wagtail's unpublish of a page being deleted: once
        _deleting.discard(instance.pk)
        return
    emit(Kind.EXPIRED if instance.expired else Kind.UNPUBLISHED, [instance])


def _deleting_page(sender, instance, **kwargs):
    # Django sends pre_delete for the page's own class before its Page row (the class that
    # depends on the other goes first), so this runs before Wagtail's unpublish, while the
    # page is as the public saw it. (A plain Page, with no class of its own, is reported
    # as unpublished.)
    if (
        isinstance(instance, Page)
        and type(instance) is not Page
        and instance.live
        and instance.pk not in _batched
    ):
        _deleting.add(instance.pk)
        emit(Kind.DELETED, [instance])


def _deleted(sender, instance, **kwargs):
    _deleting.discard(instance.pk)


def _moved(sender, instance, url_path_before, url_path_after, **kwargs):
    """Wagtail's post_page_move: a live page that moved, and its live descendants, have new
    URLs (a reorder among siblings changes none: not an event)."""
    if url_path_before == url_path_after:
        return
    pages = Page.objects.descendant_of(instance, inclusive=True).live().specific()
    previous = {
        page.pk: url_path_before + page.url_path.removeprefix(url_path_after) for page in pages
    }
    emit(Kind.MOVED, pages, previous_url_paths=previous)


def _page_privacy(sender, instance, raw=False, **kwargs):
    if raw:
        return
    try:
        page = Page.objects.get(pk=instance.page_id)
    except Page.DoesNotExist:  # deleted with its page: DELETED says it
        return
    emit(Kind.PRIVACY, Page.objects.descendant_of(page, inclusive=True).live().specific())


def _collection_privacy(sender, instance, raw=False, **kwargs):
    """The pages that show an image or document of the collection (or of its children)."""
    if raw:
        return
    try:
        collection = Collection.objects.get(pk=instance.collection_id)
    except Collection.DoesNotExist:
        return
    emit(Kind.PRIVACY, pages_showing_media(collection))


def pages_showing_media(collection: Collection):
    """Live pages whose content refers (Wagtail's reference index) to media in `collection`
    or below it."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.documents import get_document_model

    collections = Collection.objects.descendant_of(collection, inclusive=True)
    page_ids = set()
    for model in (get_image_model(), get_document_model()):
        media = model.objects.filter(collection__in=collections).values_list("pk", flat=True)
        page_ids.update(
            ReferenceIndex.objects.filter(
                base_content_type=ContentType.objects.get_for_model(Page),
                to_content_type=ContentType.objects.get_for_model(model),
                to_object_id__in=[str(pk) for pk in media],
            ).values_list("object_id", flat=True)
        )
    return Page.objects.filter(pk__in=[int(pk) for pk in page_ids]).live().specific()


def connect() -> None:
    """Called from ContentConfig.ready()."""
    page_published.connect(_published, dispatch_uid="content.lifecycle.published")
    page_unpublished.connect(_unpublished, dispatch_uid="content.lifecycle.unpublished")
    pre_delete.connect(_deleting_page, dispatch_uid="content.lifecycle.deleting")
    post_delete.connect(_deleted, sender=Page, dispatch_uid="content.lifecycle.deleted")
    post_page_move.connect(_moved, dispatch_uid="content.lifecycle.moved")
    for model in (PageViewRestriction, CollectionViewRestriction):
        for signal in (post_save, post_delete):
            signal.connect(
                _page_privacy if model is PageViewRestriction else _collection_privacy,
                sender=model,
                dispatch_uid=f"content.lifecycle.privacy.{model.__name__}.{id(signal)}",
            )
