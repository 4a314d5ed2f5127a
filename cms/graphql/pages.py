"""grapple's generic `page`, `pages` and `search`, limited to public content."""

from grapple.types.pages import get_site_filter, get_specific_page
from grapple.utils import resolve_queryset
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from cms.visibility import is_public, preview_page, public_pages

SEARCH_RESULT_LIMIT = 50


class PublicPagesQuery:
    def resolve_page(self, info, **kwargs):
        if kwargs.get("token"):
            return preview_page(Page, kwargs["token"])
        if kwargs.get("content_type"):
            _content_type_id(kwargs["content_type"])  # a clear error for a malformed name
        page = get_specific_page(
            id=kwargs.get("id"),
            slug=kwargs.get("slug"),
            url_path=kwargs.get("url_path"),
            content_type=kwargs.get("content_type"),
            site=get_site_filter(info, **kwargs),
        )
        return page if page is not None and is_public(page) else None

    def resolve_pages(self, info, **kwargs):
        pages = public_pages(Page.objects.all())
        if kwargs.get("parent") or kwargs.get("ancestor"):
            anchor = _page_or_none(kwargs.get("parent") or kwargs.get("ancestor"))
            if anchor is None:
                return Page.objects.none()
            pages = pages.child_of(anchor) if kwargs.get("parent") else pages.descendant_of(anchor)
        site = get_site_filter(info, **kwargs)
        if site is not None:
            pages = pages.in_site(site)
        elif kwargs.get("site") is not None or kwargs.get("in_site"):
            return Page.objects.none()
        content_types = [
            value.strip() for value in (kwargs.pop("content_type", None) or "").split(",") if value
        ]
        if content_types:
            pages = pages.filter(
                content_type__in=[_content_type_id(value) for value in content_types]
            )
        for name in ("parent", "ancestor", "site", "in_site"):
            kwargs.pop(name, None)
        search_query = kwargs.pop("search_query", None)
        if search_query and search_query.strip():
            # The search backend cannot apply public_pages' expiry filters itself.
            pages = search_queryset(pages, search_query)
        return resolve_queryset(pages.specific(), info, **kwargs)

    def resolve_search(self, info, query=None, **kwargs):
        from content.models import Discipline, Institution, Role

        if not query or not query.strip():
            return []
        pages = public_pages(Page.objects.all()).specific()
        results = list(search_queryset(pages, query)[:SEARCH_RESULT_LIMIT])
        for model in (Discipline, Role, Institution):
            room = SEARCH_RESULT_LIMIT - len(results)
            if room <= 0:
                break
            results += list(get_search_backend().search(query.strip(), model)[:room])
        return results


def search_queryset(queryset, query):
    """`queryset` narrowed to search matches. The search backend only applies filters on
    indexed fields, so ours (expiry, collections) go on the queryset, not into the search."""
    matches = queryset.model.objects.all().search(query.strip(), operator="and").get_queryset()
    return queryset.filter(pk__in=matches.values("pk"))


def _page_or_none(page_id):
    try:
        return Page.objects.get(pk=int(page_id))
    except (Page.DoesNotExist, ValueError, TypeError):
        return None


def _content_type_id(label: str):
    from django.contrib.contenttypes.models import ContentType
    from graphql import GraphQLError

    try:
        app_label, model = label.lower().split(".")
        return ContentType.objects.get_by_natural_key(app_label, model).pk
    except (ValueError, ContentType.DoesNotExist) as err:
        raise GraphQLError(f"Unknown content type {label!r}; use app.Model.") from err
