"""What the public API may show: live, public, unexpired pages, and drafts by preview token."""

from django.conf import settings
from django.core.signing import BadSignature
from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction


def closed_job_ids():
    from content.models import JobPostingPage

    return JobPostingPage.objects.filter(closing_date__lt=timezone.localdate()).values("pk")


def public_pages(pages: QuerySet | None = None) -> QuerySet:
    """Live, public, not past expiry (even before the scheduler runs), never the tree root,
    and never a job whose closing date has passed."""
    pages = Page.objects.all() if pages is None else pages
    now = timezone.now()
    return (
        pages.live()
        .public()
        .filter(depth__gt=1)
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        .exclude(pk__in=closed_job_ids())
    )


def is_public(page: Page) -> bool:
    return public_pages(Page.objects.filter(pk=page.pk)).exists()


def restricted_paths(request) -> tuple[str, ...]:
    """Tree paths of pages behind a view restriction (password, login, groups): those pages
    and everything under them are private. One query per request, remembered on it."""
    paths = getattr(request, "_restricted_page_paths", None)
    if paths is None:
        paths = tuple(PageViewRestriction.objects.values_list("page__path", flat=True))
        request._restricted_page_paths = paths
    return paths


def is_visible(page: Page, restricted: tuple[str, ...]) -> bool:
    """`public_pages` checked on a loaded page without a query: the last line of defence on
    every field that returns pages. A job's closing date counts when the page is specific;
    otherwise its expire_at, which the closing date drives, does."""
    if not page.live or not page.path or (page.depth or 0) <= 1:
        return False
    if page.expire_at is not None and page.expire_at <= timezone.now():
        return False
    closing_date = getattr(page, "closing_date", None)
    if closing_date is not None and closing_date < timezone.localdate():
        return False
    return not page.path.startswith(restricted)


def private_collection_ids(request=None) -> frozenset[int]:
    """Collections behind a view restriction, with their descendants (Wagtail restricts a
    collection's subtree too). Remembered on the request, when there is one."""
    ids = getattr(request, "_private_collection_ids", None)
    if ids is None:
        paths = list(CollectionViewRestriction.objects.values_list("collection__path", flat=True))
        ids = frozenset()
        if paths:
            under = Q()
            for path in paths:
                under |= Q(path__startswith=path)
            ids = frozenset(Collection.objects.filter(under).values_list("pk", flat=True))
        if request is not None:
            request._private_collection_ids = ids
    return ids


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
