"""What is public: the one rule every read path of the public API goes through.

- A page is public when it is live, past its go-live and before its expiry (even before the
  scheduler has run), not the tree root, not behind a view restriction, not under a page
  that is unpublished or restricted, and, for a job, not past its closing date.
- An image or document is public when its collection is not under a view restriction.
- A draft is readable only through a valid, unexpired preview token, which names its page.

Global facts (restricted and unpublished subtrees, private collections) are read once per
content generation and remembered in the process and on the request, so checking a page of
fifty results costs no extra query. `VISIBILITY_MODELS` lists what can change any of this;
every such change bumps the generation (cms.caching connects the signals), which both the
response cache and these facts are keyed by. What depends on the clock (go-live, expiry,
closing dates) is never part of a fact: it is compared with the time of each query.
"""

import datetime as dt
import time

from django.conf import settings
from django.core.cache import cache
from django.core.signing import BadSignature
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction

# Models whose rows decide what is public, or appear in public answers; a change to any of
# them (or to a page) must drop cached answers. Page subclasses are matched separately.
VISIBILITY_MODELS = frozenset(
    {
        "content.discipline",
        "content.role",
        "content.institution",
        "wagtailcore.pageviewrestriction",
        "wagtailcore.collection",
        "wagtailcore.collectionviewrestriction",
        "wagtailcore.site",
        "wagtailimages.image",
        "wagtailimages.rendition",
        "wagtaildocs.document",
        "taggit.tag",
        "taggit.taggeditem",
    }
)
# Apps whose auto-created many-to-many tables (restriction groups, job disciplines,
# related guides) count as those models.
VISIBILITY_APPS = frozenset({"content", "wagtailcore", "wagtailimages", "wagtaildocs"})


def changes_visibility(model) -> bool:
    """Whether saving or deleting a row of `model` can change a public answer."""
    if isinstance(model, type) and issubclass(model, Page):
        return True
    meta = getattr(model, "_meta", None)
    if meta is None:
        return False
    return meta.label_lower in VISIBILITY_MODELS or (
        meta.auto_created and meta.app_label in VISIBILITY_APPS
    )


# --- The content generation: one counter for all content, bumped by every change above.

GENERATION_KEY = "graphql:generation"


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Start from the clock so a counter lost from the cache never repeats an old value.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)


# --- Global facts, kept for the current generation

# name -> (generation, value); only the latest generation's value is kept.
_FACTS: dict[str, tuple[int, object]] = {}


def _request_generation(request) -> int:
    """The generation, read once per request (so one request sees one set of facts)."""
    if request is None:
        return current_generation()
    if "_content_generation" not in request.__dict__:
        request._content_generation = current_generation()
    return request._content_generation


def _remembered(request, name: str, compute):
    """The fact `name` for the current generation. The generation is read before computing,
    so a change committed meanwhile (which bumps it again) is never kept past it."""
    if request is not None and name in request.__dict__:
        return request.__dict__[name]
    generation = _request_generation(request)
    kept = _FACTS.get(name)
    if kept is not None and kept[0] == generation:
        value = kept[1]
    else:
        value = compute()
        _FACTS[name] = (generation, value)
    if request is not None:
        request.__dict__[name] = value
    return value


def hidden_subtree_paths_now() -> tuple[str, ...]:
    """Tree paths under which nothing is public: pages behind a view restriction, and pages
    that are not live but have children (a live job under an unpublished section). Read
    afresh (inside a writer's transaction, say); `hidden_subtree_paths` remembers them."""
    restricted = PageViewRestriction.objects.values_list("page__path", flat=True)
    unpublished = Page.objects.filter(live=False, numchild__gt=0).values_list("path", flat=True)
    return tuple(sorted({*restricted, *unpublished}))


def hidden_subtree_paths(request=None) -> tuple[str, ...]:
    """`hidden_subtree_paths_now`, for the current generation."""
    return _remembered(request, "_hidden_subtree_paths", hidden_subtree_paths_now)


def private_collection_ids(request=None) -> frozenset[int]:
    """Collections behind a view restriction, with their descendants."""

    def compute():
        paths = list(CollectionViewRestriction.objects.values_list("collection__path", flat=True))
        if not paths:
            return frozenset()
        under = Q()
        for path in paths:
            under |= Q(path__startswith=path)
        return frozenset(Collection.objects.filter(under).values_list("pk", flat=True))

    return _remembered(request, "_private_collection_ids", compute)


# --- Pages


def public_pages(pages: QuerySet | None = None, request=None) -> QuerySet:
    """`pages` narrowed to the public ones (see the module docstring)."""
    pages = Page.objects.all() if pages is None else pages
    now = timezone.now()
    pages = (
        pages.filter(live=True, depth__gt=1)
        .filter(Q(go_live_at__isnull=True) | Q(go_live_at__lte=now))
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
    )
    hidden = Q()
    for path in hidden_subtree_paths(request):
        hidden |= Q(path__startswith=path)
    if hidden:
        pages = pages.exclude(hidden)
    return _without_closed_jobs(pages, now)


def _without_closed_jobs(pages: QuerySet, now: dt.datetime) -> QuerySet:
    """`pages` without the jobs past their closing date. Only a query of jobs, or of a type
    jobs are (Page), can hold one; the latter asks for each page it finds whether it is a
    closed job (NOT EXISTS: an index lookup a page, where NOT IN read every closed job the
    board ever had, at every query of guides, terms or linked pages)."""
    from content.models import JobPostingPage

    today = timezone.localdate(now)
    if issubclass(pages.model, JobPostingPage):
        return pages.filter(closing_date__gte=today)
    if not issubclass(JobPostingPage, pages.model):
        return pages  # guides, terms, ...: never a job
    closed = JobPostingPage.objects.filter(pk=OuterRef("pk"), closing_date__lt=today)
    return pages.exclude(Exists(closed))


def open_jobs(jobs: QuerySet | None = None, request=None) -> QuerySet:
    """Public job postings whose closing date has not passed."""
    from content.models import JobPostingPage

    return public_pages(JobPostingPage.objects.all() if jobs is None else jobs, request)


def closed_jobs(jobs: QuerySet | None = None, request=None) -> QuerySet:
    """Job postings that were public and are no longer only because their time ran out: the
    closing date passed, or the page expired (its expiry time, or the scheduler's unpublishing
    at expiry). Every other rule still holds: a job under a restriction or an unpublished
    section, a draft never published, or a job unpublished by hand is not a closed job. The
    frontend answers their addresses 410 Gone; nothing of them but the fact and the few fields
    `closedJob` shows is public."""
    from content.models import JobPostingPage

    jobs = JobPostingPage.objects.all() if jobs is None else jobs
    now = timezone.now()
    jobs = (
        jobs.filter(depth__gt=1, first_published_at__isnull=False)
        .filter(Q(live=True) | Q(expired=True))
        .filter(Q(go_live_at__isnull=True) | Q(go_live_at__lte=now))
        .filter(
            Q(closing_date__lt=timezone.localdate(now)) | Q(expired=True) | Q(expire_at__lte=now)
        )
    )
    hidden = Q()
    for path in hidden_subtree_paths(request):
        hidden |= Q(path__startswith=path)
    return jobs.exclude(hidden) if hidden else jobs


def is_visible(page: Page | None, request=None) -> bool:
    """`public_pages` checked on a loaded page without a query (the per-request facts
    aside): the check for a page reached through a relation or a block."""
    if page is None or not page.live or not page.path or (page.depth or 0) <= 1:
        return False
    now = timezone.now()
    if page.go_live_at is not None and page.go_live_at > now:
        return False
    if page.expire_at is not None and page.expire_at <= now:
        return False
    closing_date = getattr(page, "closing_date", None)
    if closing_date is not None and closing_date < timezone.localdate(now):
        return False
    return not page.path.startswith(hidden_subtree_paths(request))


def visible(pages, request=None) -> list:
    """The visible pages of an iterable, in order."""
    return [page for page in pages if is_visible(page, request)]


# --- Images and documents


def public_media(items: QuerySet, request=None) -> QuerySet:
    return items.exclude(collection_id__in=private_collection_ids(request))


def is_public_media(item, request=None) -> bool:
    return item is not None and item.collection_id not in private_collection_ids(request)


# --- Drafts by preview token


def valid_preview_token(token: str) -> bool:
    """Signed by wagtail-headless-preview when the editor pressed Preview, and not older than
    PREVIEW_TOKEN_MAX_AGE seconds (the package itself never checks the age)."""
    from wagtail_headless_preview.models import HeadlessPreviewMixin

    try:
        HeadlessPreviewMixin.get_preview_signer().unsign(
            token, max_age=settings.PREVIEW_TOKEN_MAX_AGE
        )
    except BadSignature:  # SignatureExpired is one too
        return False
    return True


def preview_page(model, token: str):
    """The draft a valid preview token was issued for, or None for a bad, expired or foreign
    token. The token names its page inside the signed part, so it cannot be pointed at
    another page; a page that was never saved previews as its unsaved draft."""
    from wagtail_headless_preview.models import PagePreview

    if not token or not valid_preview_token(token):
        return None
    preview = PagePreview.objects.filter(token=token).first()
    page = preview.as_page() if preview is not None else None
    return page if isinstance(page, model) else None
