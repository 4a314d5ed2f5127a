"""Public addresses of pages: where a visitor reads them (the frontend when there is one)."""

from django.conf import settings


def public_base_url() -> str:
    return (settings.FRONTEND_BASE_URL or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def page_url(page, request=None) -> str | None:
    """The page's absolute URL on the public site: its path under the site root, on
    FRONTEND_BASE_URL (or the CMS's own base URL without a frontend)."""
    parts = page.get_url_parts(request=request) if page.path else None
    if parts is None:
        return None
    return public_base_url() + parts[2]
