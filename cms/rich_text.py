"""Rich-text links rendered for the public: only public pages and documents get an href, and
only safe schemes (public_html, the one rendering the API uses).

Wagtail renders `<a linktype="page" id="…">` with the target's URL whether or not it is
published, so a guide linking to a draft would name the draft's URL in every API answer;
likewise a link to a document in a private collection would name the file. Page links point
at the page's public address (content.public_urls), as the API's `url` does.
"""

import html
import re
from collections.abc import Callable
from contextvars import ContextVar

from django.utils.html import escape
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.models import Page
from wagtail.rich_text import expand_db_html
from wagtail.rich_text.pages import PageLinkHandler
from wagtail.rich_text.rewriters import FIND_A_TAG, extract_attrs

from content.public_urls import page_url
from content.visibility import is_public_media, public_pages

# Set by `public_html` while it renders: how the pages its links name are found (by default
# `linkable_pages`; the API passes its request's loader, which fetches every link of a body
# at once).
_find_pages: ContextVar[Callable[[list[str]], dict] | None] = ContextVar(
    "rich_text_find_pages", default=None
)


def linkable_pages(ids: list[str]) -> dict[str, Page]:
    """The public pages among `ids` (page ids as links hold them, strings), as their specific
    type, by id: what a page link may point at."""
    pages = public_pages(Page.objects.filter(id__in=[i for i in ids if i.isdigit()]))
    return {str(page.id): page for page in pages.defer_streamfields().specific()}


def page_link_ids(source: str) -> list[str]:
    """The ids of the pages stored rich text links to (`<a linktype="page" id="…">`)."""
    if 'linktype="page"' not in source:
        return []
    links = (extract_attrs(match.group(1)) for match in FIND_A_TAG.finditer(source))
    return [attrs["id"] for attrs in links if attrs.get("linktype") == "page" and "id" in attrs]


class PublicPageLinkHandler(PageLinkHandler):
    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list[Page | None]:
        ids = [str(attrs.get("id")) for attrs in attrs_list]
        by_id = (_find_pages.get() or linkable_pages)(ids)
        return [by_id.get(page_id) for page_id in ids]

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        return [
            f'<a href="{escape(page_url(page))}">' if page else "<a>"
            for page in cls.get_many(attrs_list)
        ]


class PublicDocumentLinkHandler(DocumentLinkHandler):
    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list:
        documents = super().get_many(attrs_list)
        return [doc if is_public_media(doc) else None for doc in documents]


# --- The API's rendering: one function, every rich-text field and block -----------------------

# Link targets a reader's browser may follow from CMS text. Anything else (javascript:, data:,
# vbscript:, file:, ...) loses its href even when it is stored, whatever wrote it there: an old
# import, a migration, SQL.
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
# What browsers ignore in a URL's scheme: ASCII whitespace and controls anywhere ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


def safe_href(href: str) -> bool:
    """True for a relative address or one whose scheme is in SAFE_SCHEMES."""
    url = _IGNORED_IN_SCHEME.sub("", html.unescape(href))
    scheme, colon, _rest = url.partition(":")
    if not colon or any(c in scheme for c in "/?#"):
        return True  # no scheme: a path, a fragment or a query on this site
    return scheme.lower() in SAFE_SCHEMES


def _link_tag(match: re.Match) -> str:
    attrs = extract_attrs(match.group(1))
    href = attrs.get("href")
    # Only the href survives: event handlers and the like never belong on a link from the editor.
    return f'<a href="{escape(href)}">' if href and safe_href(href) else "<a>"


class PublicHTML(str):
    """Rich text as `public_html` rendered it."""


def public_html(source: str, find_pages: Callable[[list[str]], dict] | None = None) -> str:
    """Stored rich text as the API sends it: Wagtail's expansion with the public link handlers
    above, then every link checked (FIND_A_TAG is Wagtail's own pattern for `<a ...>`).
    `find_pages`: how the linked pages are found (ids to public pages by id, like
    `linkable_pages`, which is the default)."""
    if isinstance(source, PublicHTML):
        return source
    token = _find_pages.set(find_pages)
    try:
        return PublicHTML(FIND_A_TAG.sub(_link_tag, expand_db_html(source or "")))
    finally:
        _find_pages.reset(token)
