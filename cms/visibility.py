"""What the public API may show: live, public, unexpired pages, and drafts by preview token."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import Page


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


def preview_page(model, token: str):
    """The draft a preview token was issued for, or None for a bad or foreign token."""
    from grapple.types.pages import get_preview_page

    page = get_preview_page(token)
    return page if isinstance(page, model) else None
