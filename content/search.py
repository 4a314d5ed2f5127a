"""Full-text search: the one function every search path calls (jobs, guides, the glossary,
generic pages, images and documents).

What a visitor types is reduced to words before it reaches the backend: SQLite's FTS5 reads
quotes, `*`, `:`, `^`, `-` and parentheses as query syntax (a lone `"` is an error there), and
no search needs them. A query with no words matches nothing.
"""

import re

from django.db.models import QuerySet
from wagtail.search.backends import get_search_backend

MAX_SEARCH_LENGTH = 200
_WORD = re.compile(r"\w+")


class SearchTooLong(ValueError):
    pass


def search_words(text: str | None) -> str:
    """The words of `text`, space-separated ("" when it has none)."""
    if text is not None and len(text) > MAX_SEARCH_LENGTH:
        raise SearchTooLong(f"search is limited to {MAX_SEARCH_LENGTH} characters.")
    return " ".join(_WORD.findall(text or ""))


def is_search(text: str | None) -> bool:
    """Whether `text` asks for a search at all (blank means "no search")."""
    return bool(text and text.strip())


def search_queryset(queryset: QuerySet, text: str, *, ranked: bool = False) -> QuerySet:
    """`queryset` narrowed to the rows matching every word of `text`.

    The backend searches the whole model and `queryset`'s own filters are applied after, on
    the ids: Wagtail's backends accept only declared FilterFields, and ours (expiry,
    collections, visibility) are not all indexed. With `ranked`, rows come best match first;
    otherwise the caller orders them."""
    words = search_words(text)
    if not words:
        return queryset.none()
    results = get_search_backend().search(
        words, queryset.model, operator="and", order_by_relevance=ranked
    )
    matches = results.get_queryset()
    if ranked:
        return matches.filter(pk__in=queryset.values("pk"))
    return queryset.filter(pk__in=matches.values("pk"))
