"""Full-text search: the one function every search path calls (jobs, guides, the glossary,
generic pages, images and documents).

What a visitor types is reduced to words before it reaches the backend: SQLite's FTS5 reads
quotes, `*`, `:`, `^`, `-` and parentheses as query syntax (a lone `"` is an error there), and
no search needs them. A query with no words matches nothing.

`matching_ids` is the set of matches as ids, which a filter or a count compares with its own
rows. On PostgreSQL it reads the index entries alone (see its docstring: the backend's
condition on them, kept here with its equivalence test, tests/cms/test_search_indexes.py).
"""

import re
from contextlib import contextmanager

from django.contrib.postgres.search import SearchVectorField
from django.db import connection, transaction
from django.db.models import BigIntegerField, F, QuerySet
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast
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


def _results(model, words: str, ranked: bool):
    return get_search_backend().search(words, model, operator="and", order_by_relevance=ranked)


def matching_ids(model, text: str) -> QuerySet:
    """The primary keys of the rows of `model` matching every word of `text`, as a one-column
    queryset to compare ids with (`pk__in=`, `job_id__in=`).

    On PostgreSQL, read from the index entries alone: the condition of Wagtail's database
    backend (modelsearch 1.3.2, `PostgresSearchQueryCompiler.search`: the entries' `title ||
    body` against the tsquery the backend builds, for the model's content types), with the
    entries' text ids cast to integers once. The backend's own queryset joins every row of
    the model to its entry by casting the row's id to text, which at a million jobs costs
    more than the search (docs/benchmarks.md, "Jobs at scale"). Elsewhere (SQLite's FTS5),
    the backend's matches."""
    words = search_words(text)
    if not words:
        return model.objects.none().values_list("pk", flat=True)
    results = _results(model, words, ranked=False)
    compiler = getattr(results, "query_compiler", None)
    if compiler is None:  # the backend's empty results: a model not indexed
        return model.objects.none().values_list("pk", flat=True)
    if connection.vendor != "postgresql":
        return results.get_queryset().order_by().values_list("pk", flat=True)
    from modelsearch.utils import get_descendants_content_types_pks
    from wagtail.search.models import IndexEntry

    tsquery = compiler.build_tsquery(compiler.query, config=compiler.get_config(results.backend))
    vector = CombinedExpression(F("title"), "||", F("body"), output_field=SearchVectorField())
    entries = IndexEntry.objects.filter(
        content_type_id__in=get_descendants_content_types_pks(model)
    )
    return (
        entries.annotate(_vector_=vector)
        .filter(_vector_=tsquery)
        .values_list(Cast("object_id", BigIntegerField()), flat=True)
    )


# What `reading_every_match` gives the statement inside (PostgreSQL settings): memory for
# an exact bitmap of the matching entries, and no parallel workers. At a million jobs
# "machine learning" matches 121,300 entries on 98,839 heap pages of the entries (about
# 1.7 kB each): with the default 4 MB two thirds of those pages go lossy, and every entry on
# them is matched again (2.3 s); with 32 MB none do (0.8 s). The parallel plan of the
# semi-join repeats the whole bitmap heap scan in each worker (1.3 s).
MATCH_SETTINGS = {"work_mem": "32MB", "max_parallel_workers_per_gather": "0"}


@contextmanager
def reading_every_match():
    """Around a statement that reads every match of a search (a count of them): on
    PostgreSQL, inside a transaction (the request's, else its own), with `MATCH_SETTINGS`
    for that statement only (set, then put back, on a cursor of the driver's own, as
    cms.graphql.limits sets the time budget: no statement for the counts of a request's
    SQL); nothing elsewhere."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            names = list(MATCH_SETTINGS)
            cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
            before = dict(zip(names, cursor.fetchone(), strict=True))
            for name, value in MATCH_SETTINGS.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        try:
            yield
        finally:
            with connection.connection.cursor() as cursor:
                for name, value in before.items():
                    cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def search_queryset(queryset: QuerySet, text: str, *, ranked: bool = False) -> QuerySet:
    """`queryset` narrowed to the rows matching every word of `text`.

    The backend searches the whole model and `queryset`'s own filters are applied after, on
    the ids: Wagtail's backends accept only declared FilterFields, and ours (expiry,
    collections, visibility) are not all indexed. With `ranked`, rows come best match first;
    otherwise the caller orders them."""
    words = search_words(text)
    if not words:
        return queryset.none()
    matches = _results(queryset.model, words, ranked).get_queryset()
    if ranked:
        return matches.filter(pk__in=queryset.values("pk"))
    return queryset.filter(pk__in=matches.values("pk"))
