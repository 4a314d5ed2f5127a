"""The CMS's own public addresses in a headless deployment: pages and the document password form.

Pages are read on the frontend (FRONTEND_BASE_URL) through the API; the CMS renders none. Its
page addresses still exist, because Wagtail names every page's URL by reversing `wagtail_serve`
(content.public_urls). Answering them with Wagtail's serve view told pages apart: a restricted
page showed a password form (open to guessing), a closed job redirected, a draft was a 404. Here
every page address gets one answer without looking anything up: a redirect to the same path on
the frontend (which shows only what the API shows), or a 404 when there is no frontend. No
page password form is routed at all.

Documents in a collection restricted by a password keep Wagtail's form (the file is served only
through Wagtail's serve view after its check, docs/deploy.md), with attempts throttled per
client and per restriction.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, re_path
from django.utils import timezone
from django.views.generic import RedirectView
from wagtail.documents.views import serve as documents
from wagtail.urls import serve_pattern

# Password attempts on one document restriction: per client address, and from everyone (a
# guesser with many addresses), per hour.
PASSWORD_ATTEMPTS_PER_CLIENT = 10
PASSWORD_ATTEMPTS_PER_RESTRICTION = 100


def page_address(request, page_path: str):
    """Any page address, whatever the page's state: the frontend's same path, or 404."""
    base = settings.FRONTEND_BASE_URL.rstrip("/")
    if not base:
        raise Http404
    # page_path matches Wagtail's serve pattern (slug segments), so this stays on the frontend.
    return HttpResponseRedirect(f"{base}/{page_path}")


def _within(key: str, limit: int) -> bool:
    """Count one attempt in this hour's bucket; True while under the limit."""
    bucket = f"headless:password:{key}:{timezone.now():%Y%m%d%H}"
    cache.add(bucket, 0, timeout=3600)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=3600)
        count = 1
    return count <= limit


def document_password(request, restriction_id: int):
    """Wagtail's document password form, with each submitted guess counted first."""
    if request.method == "POST":
        client = request.META.get("REMOTE_ADDR", "")
        if not (
            _within(f"{restriction_id}:{client}", PASSWORD_ATTEMPTS_PER_CLIENT)
            and _within(str(restriction_id), PASSWORD_ATTEMPTS_PER_RESTRICTION)
        ):
            response = HttpResponse(
                "Too many password attempts. Try again in an hour.",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = "3600"
            return response
    return documents.authenticate_with_password(request, restriction_id)


document_urls = [
    re_path(r"^(\d+)/(.*)$", documents.serve, name="wagtaildocs_serve"),
    path(
        "authenticate_with_password/<int:restriction_id>/",
        document_password,
        name="wagtaildocs_authenticate_with_password",
    ),
]
page_urls = [
    # Wagtail reverses this name at start-up even with WAGTAIL_FRONTEND_LOGIN_URL set: the one
    # login form is the admin's.
    path(
        "_util/login/",
        RedirectView.as_view(url=settings.WAGTAIL_FRONTEND_LOGIN_URL, query_string=True),
        name="wagtailcore_login",
    ),
    re_path(serve_pattern, page_address, name="wagtail_serve"),
]
