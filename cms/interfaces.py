"""grapple's page interface with every tree path limited to public pages.

grapple filters `children`, `siblings`, ... with `.live().public()` only (expired pages and
closed jobs slip through) and returns `parent` unfiltered, which names an unpublished section
above a live page. Here every one goes through `cms.visibility.public_pages`.
"""

from grapple.types.interfaces import PageInterface
from grapple.utils import resolve_queryset
from wagtail.models import Page

from cms.visibility import public_pages


def _tree(page, info, kwargs, select):
    # A preview of a page that was never saved has no place in the tree yet.
    if not page.path:
        return Page.objects.none()
    return resolve_queryset(public_pages(select(page)).specific(), info, **kwargs)


class PublicPageInterface(PageInterface):
    def resolve_parent(self, info, **kwargs):
        if not self.path:
            return None
        return public_pages(Page.objects.parent_of(self)).specific().first()

    def resolve_children(self, info, **kwargs):
        return _tree(self, info, kwargs, lambda page: page.get_children())

    def resolve_siblings(self, info, **kwargs):
        return _tree(self, info, kwargs, lambda page: page.get_siblings(inclusive=False))

    def resolve_next_siblings(self, info, **kwargs):
        return _tree(self, info, kwargs, lambda page: page.get_next_siblings(inclusive=False))

    def resolve_previous_siblings(self, info, **kwargs):
        return _tree(self, info, kwargs, lambda page: page.get_prev_siblings(inclusive=False))

    def resolve_descendants(self, info, **kwargs):
        return _tree(self, info, kwargs, lambda page: page.get_descendants())

    def resolve_ancestors(self, info, **kwargs):
        return _tree(self, info, kwargs, lambda page: page.get_ancestors())

    def resolve_url(self, info, **kwargs):
        # With the request, Wagtail reads the site root paths from the cache once per
        # request instead of once per page (50 cache round trips for a page of jobs).
        return self.get_url(request=info.context)
