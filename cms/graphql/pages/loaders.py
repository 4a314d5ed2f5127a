"""Loaders for pages by tree position."""

from wagtail.models import Page

from cms.graphql.core.loaders import Loader
from cms.rich_text import linkable_pages


class PageByPathLoader(Loader):
    """Pages by tree path, as their specific type (for a page's parent section)."""

    def batch_load(self, keys):
        return {page.path: page for page in Page.objects.filter(path__in=keys).specific()}


class LinkedPageByIdLoader(Loader):
    """Public pages by id as rich text's page links hold it (a string), as their specific
    type: what the links of a request's rich text point at, fetched together."""

    def batch_load(self, keys):
        return linkable_pages(keys)

    def find(self, ids: list[str]) -> dict:
        """`cms.rich_text.public_html`'s `find_pages`."""
        return dict(zip(ids, self.load_many(ids), strict=True))
