"""Loaders for pages by tree position."""

from wagtail.models import Page

from cms.graphql.core.loaders import Loader


class PageByPathLoader(Loader):
    """Pages by tree path, as their specific type (for a page's parent section)."""

    def batch_load(self, keys):
        return {page.path: page for page in Page.objects.filter(path__in=keys).specific()}
