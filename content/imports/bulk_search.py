"""Search index entries for a chunk of pages in a few statements: the entries Wagtail's database
search backend writes, without its cost per page.

Its `add_bulk` walks every search field of a page once per entry column (five times on
PostgreSQL, stripping each rich text field each time) and, on PostgreSQL, compiles a Django
expression per text; that was most of a bulk import's time. Here each page's texts are read
once and PostgreSQL builds the vectors from arrays in one INSERT. The entries are the
backend's own (tests/content/imports/test_bulk_import.py compares them); any other backend gets
`add_bulk`.
"""

import functools
import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Avg, Count, F, Manager, Sum
from django.db.models.functions import Length
from django.utils.encoding import force_str
from modelsearch import index
from wagtail.fields import RichTextField
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

# content/migrations/0013_tsvector_concat_aggregate.py: `||` as an aggregate, so the parts of
# an entry are joined in SQL exactly as the backend's chained `||` joins them.
CONCAT = "content_tsvector_concat"
TITLE, BODY, AUTOCOMPLETE = "title", "body", "autocomplete"


@dataclass
class TitleLengths:
    """The non-blank titles' lengths over all entries, as an import's writes change them
    (read once, then counted on), so that PostgreSQL entries are written with their
    title_norm rather than updated to it afterwards: an update rewrites the entry and its
    four GIN index entries (100,000 of them: 8.6 s of a busy 2-core machine)."""

    total: int | None = None
    count: int = 0


def index_pages(pages: list, title_lengths: TitleLengths | None = None) -> None:
    """Add or update the search entries of pages of one model (related fields read from
    memory). Runs inside the caller's transaction. New entries rank by title length once
    `refresh_title_norms` has run: once per import, not per chunk, as it reads every entry;
    on PostgreSQL, given `title_lengths` (one per import), they are written ranked."""
    if not pages:
        return
    model = type(pages[0])
    backend = get_search_backend()
    if not model.get_search_fields():
        return
    writer = _writer(backend)
    if writer is None:
        backend.add_bulk(model, pages)
    elif writer is _write_postgres:
        writer(model, pages, backend, title_lengths)
    else:
        writer(model, pages, backend)


def _writer(backend):
    """Ours for Wagtail's database backend on this database, if that is the one in use (each
    backend's module loads only on its own database)."""
    if connection.vendor == "postgresql":
        from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend

        return _write_postgres if isinstance(backend, PostgresSearchBackend) else None
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

        return _write_sqlite if isinstance(backend, SQLiteSearchBackend) else None
    return None


def _text(value) -> str:
    """A field's value as the backend indexes it (lists and dicts joined with commas)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(_text(item) for item in value.values())
    return force_str(value)


def parts(obj, related=None):
    """(column, boost, text) for each search field of obj, related objects' fields included,
    in the order the backend joins them. The text a rich text field's HTML gives (the
    field's own get_searchable_content) is remembered for the process, as the cleaning of
    imported HTML is (content/imports/reading.py): postings repeat their boilerplate from
    chunk to chunk and from one run of a feed to the next."""
    for kind, field, column in _search_plan(type(obj), related):
        if kind is index.SearchField:
            yield column, field.boost, _text(_value(field, obj))
        elif kind is index.AutocompleteField:
            yield AUTOCOMPLETE, None, _text(field.get_value(obj))
        else:
            value = field.get_value(obj)
            if value is None:
                continue
            if isinstance(value, Manager):
                value = value.all()
            else:
                value = [value() if callable(value) else value]
            for sub_obj in value:
                yield from parts(sub_obj, field)


@functools.cache
def _search_plan(model, related=None) -> list[tuple]:
    """The search fields that make up an entry (the model's, or a RelatedFields' own), each
    with its kind and column, sorted out once per model rather than once per page; filter
    fields are no part of an entry."""
    fields = model.get_search_fields() if related is None else related.fields
    plan = []
    for field in fields:
        if isinstance(field, index.SearchField):
            column = TITLE if field.field_name == "title" else BODY
            plan.append((index.SearchField, field, column))
        elif isinstance(field, index.AutocompleteField):
            plan.append((index.AutocompleteField, field, AUTOCOMPLETE))
        elif isinstance(field, index.RelatedFields):
            plan.append((index.RelatedFields, field, None))
    return plan


# (search field, model, HTML) -> the field's value for it; emptied when full.
_rich_texts: dict = {}
_RICH_TEXTS_KEPT = 16384


def _value(field, obj):
    model = type(obj)
    if not _is_rich_text(field, model):
        return field.get_value(obj)
    key = (field, model, field.get_field(model).value_from_object(obj))
    if key not in _rich_texts:
        if len(_rich_texts) >= _RICH_TEXTS_KEPT:
            _rich_texts.clear()
        _rich_texts[key] = field.get_value(obj)
    return _rich_texts[key]


@functools.cache
def _is_rich_text(field, model) -> bool:
    try:
        return isinstance(field.get_field(model), RichTextField)
    except FieldDoesNotExist:
        return False


def _write_postgres(model, pages, backend, title_lengths: TitleLengths | None) -> None:
    from modelsearch.backends.database.postgres.weights import get_weight

    if title_lengths is not None and title_lengths.total is None:
        lengths = IndexEntry.objects.annotate(length=Length("title")).filter(length__gt=0)
        found = lengths.aggregate(total=Sum("length"), count=Count("pk"))
        title_lengths.total, title_lengths.count = found["total"] or 0, found["count"]

    # Sent as two JSON documents, not as arrays: psycopg quotes each array element in
    # Python, which cost more than building the entries (json.dumps escapes in C).
    entries, entry_parts = [], []
    for page in pages:
        object_id = str(page.pk)
        titles, bodies = [], []
        for order, (column, boost, raw) in enumerate(parts(page)):
            text = raw.strip()  # blank texts are left out of vectors and plain texts alike
            if not text:
                continue
            autocomplete = column == AUTOCOMPLETE
            entry_parts.append(
                [
                    object_id,
                    column,
                    order,
                    backend.autocomplete_config if autocomplete else backend.config,
                    text,
                    "D" if autocomplete else get_weight(boost),
                ]
            )
            if column == TITLE:
                titles.append(text)
            elif column == BODY:
                bodies.append(text)
        entries.append([object_id, " ".join(titles), " ".join(bodies)])

    vectors = ", ".join(
        f"COALESCE({CONCAT}(part.vector ORDER BY part.n) FILTER (WHERE part.col = '{column}'), "
        f"''::tsvector) AS {column}"
        for column in (TITLE, AUTOCOMPLETE, BODY)
    )
    # The backend's title_norm, average over its length, the average being that of every
    # entry once these are in (as the backend's refresh after an add computes it; an
    # updated entry's old length stays counted). 1.0, for refresh_title_norms to set,
    # without title_lengths and for blank titles, as the backend leaves those.
    title_norm, norm_params = "1.0", []
    if title_lengths is not None:
        length = "NULLIF(length(COALESCE(vector.title, '')), 0)"
        title_norm = (
            f"COALESCE((%s + sum({length}) OVER ())::float / (%s + count({length}) OVER ()) "
            f"/ {length}, 1.0)"
        )
        norm_params = [title_lengths.total, title_lengths.count]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {IndexEntry._meta.db_table}
                (content_type_id, object_id, title, autocomplete, body, title_norm,
                 title_text, body_text)
            SELECT %s, entry.object_id,
                   COALESCE(vector.title, ''), COALESCE(vector.autocomplete, ''),
                   COALESCE(vector.body, ''), {title_norm}, entry.title_text, entry.body_text
            FROM json_array_elements(%s::json) AS e (value),
                LATERAL (SELECT e.value->>0, e.value->>1, e.value->>2)
                AS entry (object_id, title_text, body_text)
            LEFT JOIN (
                SELECT part.object_id, {vectors}
                FROM (
                    SELECT object_id, col, n, setweight(
                        to_tsvector(COALESCE(config::regconfig, get_current_ts_config()), text),
                        weight::"char"
                    ) AS vector
                    FROM json_array_elements(%s::json) AS p_json (value),
                    LATERAL (
                        SELECT p_json.value->>0, p_json.value->>1, (p_json.value->>2)::int,
                               p_json.value->>3, p_json.value->>4, p_json.value->>5
                    ) AS p (object_id, col, n, config, text, weight)
                ) AS part
                GROUP BY part.object_id
            ) AS vector ON vector.object_id = entry.object_id
            ON CONFLICT (content_type_id, object_id) DO UPDATE SET
                title = EXCLUDED.title, title_norm = EXCLUDED.title_norm,
                autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body,
                title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text
            RETURNING length(title)
            """,
            [
                ContentType.objects.get_for_model(model).pk,
                *norm_params,
                json.dumps(entries),
                json.dumps(entry_parts),
            ],
        )
        if title_lengths is not None:
            written = [length for (length,) in cursor.fetchall() if length]
            title_lengths.total += sum(written)
            title_lengths.count += len(written)


def _write_sqlite(model, pages, backend) -> None:
    """Plain texts, blanks included as the backend joins them (SQLite's FTS5 table follows
    the entries by trigger); existing entries are updated, so full-text rows keep their ids."""
    content_type = ContentType.objects.get_for_model(model)
    entries = {}
    for page in pages:
        texts = {TITLE: [], BODY: [], AUTOCOMPLETE: []}
        for column, _boost, text in parts(page):
            texts[column].append(text)
        entries[str(page.pk)] = IndexEntry(
            content_type=content_type,
            object_id=str(page.pk),
            **{column: " ".join(values) for column, values in texts.items()},
        )
    existing = IndexEntry.objects.filter(content_type=content_type, object_id__in=entries)
    updated = []
    for pk, object_id in existing.values_list("pk", "object_id"):
        entry = entries.pop(object_id)
        entry.pk = pk
        updated.append(entry)
    IndexEntry.objects.bulk_update(updated, [TITLE, AUTOCOMPLETE, BODY])
    IndexEntry.objects.bulk_create(entries.values())


def refresh_title_norms() -> None:
    """What the backend does after each add: new entries' title_norm (1.0) becomes the
    average title length over theirs, for ranking. (An import that stops before this leaves
    1.0, which the backend's next add puts right.)"""
    if _writer(get_search_backend()) is None:
        return  # another backend: its add_bulk did this itself
    entries = IndexEntry.objects.annotate(title_length=Length("title")).filter(title_length__gt=0)
    average = entries.aggregate(Avg("title_length"))["title_length__avg"]
    entries.filter(title_norm=1.0).update(title_norm=average / F("title_length"))


def rerank(pages: list) -> None:
    """What the backend's add does to the entries of pages indexed already whose texts stay
    the same (content/page_batches.py: expiry). PostgreSQL's backend sets their title_norm
    again from the average title length over all entries now, as for a new entry (its upsert
    resets it to 1.0, then refreshes); SQLite's updates the texts only and keeps it."""
    if not pages or _writer(get_search_backend()) is not _write_postgres:
        return
    entries = IndexEntry.objects.annotate(title_length=Length("title")).filter(title_length__gt=0)
    average = entries.aggregate(Avg("title_length"))["title_length__avg"]
    entries.filter(
        content_type=ContentType.objects.get_for_model(type(pages[0])),
        object_id__in=[str(page.pk) for page in pages],
    ).update(title_norm=average / F("title_length"))
