"""Wagtail's page writes for many pages of one type at once: tree positions, rows,
revisions, audit log and reference index entries, a few statements per chunk instead of
dozens per page (search entries: content/imports/bulk_search.py).

This is the project's ONE module that mirrors library internals, kept because Wagtail has
no bulk page API and an import of thousands of postings one `add_child` + `save_revision`
at a time is several times slower (bench/import_bench.py). Every private library name the
project uses is here, and only here (tests/content/imports/test_bulk_pages.py fails on any
other use):

- Django 5.2 `QuerySet._insert` (bulk_create refuses multi-table models), `Model._state`;
  on PostgreSQL, pages, revisions and log entries are written with psycopg's `Cursor.copy`, from
  each field's own `pre_save` and `get_db_prep_save` (what the insert compiler sends), with
  ids taken from the table's sequence as its INSERT would (`copy_rows`);
- django-treebeard 5.3 `MP_Node._get_path`, `MP_Node._str2int` (the next child's path);
- Wagtail 7.4 `ReferenceIndex._extract_references_from_object`,
  `ReferenceIndex._get_base_content_type` and `ReferenceIndex._get_content_path_hash`
  (what `create_or_update_for_object` writes); the
  former's walk over every field of the model is planned once per model here
  (`extract_references`);
- django-modelcluster 6.5 `ClusterableModel.serializable_data` (a revision's content): no
  private name, but its per-field work is planned once per model here (`serializable_data`).

Written against Django 5.2.20, Wagtail 7.4.4, django-modelcluster 6.5, django-treebeard
5.3.1 and psycopg 3.3.9. On an upgrade of any of them, rerun the equivalence test,
tests/content/imports/test_bulk_pages.py: a page written here must equal the same page
written by Wagtail's own `add_child` and `save_revision` (tree position, revision content,
log entry, reference index rows), and its serialisation modelcluster's;
tests/content/imports/test_bulk_import.py covers the whole import path.

Bulk writes send no model signals, so callers do explicitly what the signal receivers would
(see content/imports/bulk.py). Every function here runs inside the caller's transaction.
"""

import datetime as dt
import functools

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRel
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Field
from django.utils.encoding import is_protected_type
from modelcluster.fields import ParentalKey
from modelcluster.models import (
    ClusterableModel,
    get_all_child_m2m_relations,
    get_all_child_relations,
    get_field_value,
    get_serializable_data_for_fields,
)
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision


def place_under(parent: Page, pages: list[Page]) -> None:
    """Give new pages the next free treebeard paths after the parent's last child."""
    last_child = parent.get_last_child()
    last_step = Page._str2int(last_child.path[-Page.steplen :]) if last_child else 0
    depth = parent.depth + 1
    for step, page in enumerate(pages, start=last_step + 1):
        page.path = Page._get_path(parent.path, depth, step)
        page.depth, page.numchild = depth, 0
        page.url_path = f"{parent.url_path}{page.slug}/"


def insert_pages(parent: Page, pages: list[Page], chunk_size: int = 500) -> None:
    """Insert new pages of one specific type (a direct subclass of Page) as the parent's last
    children; their pks are set. The parent's numchild is the caller's to save."""
    place_under(parent, pages)
    # Django's bulk_create refuses multi-table models: both tables' rows are inserted as
    # bulk_create inserts them, from the specific pages themselves (a Page copy of each
    # cost as much as the insert: Page.__init__ walks the model's child relations).
    page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    returning = Page._meta.db_returning_fields
    model = type(pages[0])
    fields = model._meta.local_concrete_fields
    for start in range(0, len(pages), chunk_size):
        batch = pages[start : start + chunk_size]
        if connection.vendor == "postgresql":
            ids = next_ids(Page, len(batch))
        else:
            rows = Page.objects._insert(batch, fields=page_fields, returning_fields=returning)
            ids = [pk for (pk,) in rows]
        for page, pk in zip(batch, ids, strict=True):
            # The child's pk is page_ptr_id; relations to Page read the parent's own `id`.
            page.pk = page.id = pk
            page._state.adding = False
        if connection.vendor == "postgresql":
            copy_rows(Page, batch, Page._meta.concrete_fields)
            copy_rows(model, batch, fields)
        else:
            model.objects._insert(batch, fields=fields)


def next_ids(model, count: int) -> list[int]:
    """`count` primary keys from the model's sequence on PostgreSQL, as its INSERTs take them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def copy_rows(model, objs: list, fields: list) -> None:
    """Insert the objects' rows into the model's table with PostgreSQL's COPY (psycopg's
    `Cursor.copy`): each value as the insert compiler prepares it (the field's `pre_save`,
    then its `get_db_prep_save`), sent as a row of COPY data that psycopg writes in C, where
    an INSERT's parameters were built into arrays element by element in Python (a third of a
    bulk insert's CPU). COPY sends no Django execute wrapper: it is not a counted query."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not its proxy, per value
    with connection.cursor() as cursor:
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for obj in objs:
                copy.write_row(
                    [field.get_db_prep_save(field.pre_save(obj, True), db) for field in fields]
                )


def save_revisions(pages: list[Page], *, user, at: dt.datetime) -> list[Revision]:
    """One revision per page, as `page.save_revision()` makes it; each page's latest_revision
    (and draft_title) is set in memory for the caller's update of the page rows."""
    if not pages:
        return []
    content_type = ContentType.objects.get_for_model(type(pages[0]))
    base_content_type = ContentType.objects.get_for_model(Page)
    contents = [serializable_data(page) for page in pages]
    revisions = [
        Revision(
            content_type_id=content_type.pk,
            base_content_type_id=base_content_type.pk,
            object_id=str(page.pk),
            created_at=at,
            user_id=user.pk if user else None,
            content=content,
            object_str=str(page),
        )
        for page, content in zip(pages, contents, strict=True)
    ]
    if connection.vendor == "postgresql":
        for revision, pk in zip(revisions, next_ids(Revision, len(revisions)), strict=True):
            revision.pk = pk
            revision._state.adding, revision._state.db = False, connection.alias
        copy_rows(Revision, revisions, Revision._meta.concrete_fields)
    else:
        Revision.objects.bulk_create(revisions)
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision = revision
        page.latest_revision_created_at = at
        page.draft_title = page.title
    return revisions


def serializable_data(page: Page) -> dict:
    """What `page.serializable_data()` (modelcluster's, the content of a revision) returns,
    with what it works out for every page and field (which fields, their kinds, the child
    relations) worked out once per model: a plain field's value is its attribute, kept as
    it is if JSON-safe (modelcluster's "protected" types) or as text; dates and datetimes
    (UTC), and any field with a save hook or its own text form, go through modelcluster's
    own `get_field_value`; child relations through their own serialisation."""
    plan = _serialisation_plan(type(page))
    data = {"pk": get_field_value(plan.pk_field, page)}
    for name, attname, field, kind in plan.fields:
        value = getattr(page, attname)
        if kind == _RELATION:
            data[name] = value
        elif kind == _PLAIN and not isinstance(value, dt.date | dt.time):
            data[name] = value if is_protected_type(value) else str(value)
        else:
            data[name] = get_field_value(field, page)
    for accessor, has_own in plan.child_relations:
        children = getattr(page, accessor).all()
        data[accessor] = [
            child.serializable_data() if has_own else get_serializable_data_for_fields(child)
            for child in children
        ]
    for name in plan.m2m:
        data[name] = [child.pk for child in getattr(page, name).all()]
    return data


_RELATION, _PLAIN, _LIBRARY = "relation", "plain", "library"


class _Plan:
    def __init__(self, model):
        self.pk_field = model._meta.pk
        while self.pk_field.remote_field and self.pk_field.remote_field.parent_link:
            self.pk_field = self.pk_field.remote_field.model._meta.pk
        self.fields = [
            (field.name, field.attname, field, _kind(field))
            for field in model._meta.fields
            if field.serialize
        ]
        self.child_relations = [
            (rel.get_accessor_name(), hasattr(rel.related_model, "serializable_data"))
            for rel in get_all_child_relations(model)
        ]
        self.m2m = [f.name for f in get_all_child_m2m_relations(model) if f.serialize]


def _kind(field) -> str:
    if field.remote_field is not None:
        return _RELATION
    cls = type(field)
    plain = (
        cls.pre_save is Field.pre_save
        and cls.value_to_string is Field.value_to_string
        and cls.value_from_object is Field.value_from_object
    )
    return _PLAIN if plain else _LIBRARY


@functools.cache
def _serialisation_plan(model) -> _Plan:
    return _Plan(model)


def log_actions(pages: list[Page], action: str, *, user, at: dt.datetime) -> None:
    """The history entries Wagtail writes (wagtail.create, wagtail.edit, wagtail.publish)."""
    if not pages:
        return
    content_type = ContentType.objects.get_for_model(type(pages[0]))
    entries = [
        PageLogEntry(
            page_id=page.pk,
            content_type_id=content_type.pk,
            label=page.get_admin_display_title(),
            action=action,
            timestamp=at,
            user_id=user.pk if user else None,
            revision_id=page.latest_revision.pk if page.latest_revision else None,
            content_changed=True,
        )
        for page in pages
    ]
    if connection.vendor == "postgresql":  # ids left to the table's default: none is read
        fields = [field for field in PageLogEntry._meta.concrete_fields if not field.primary_key]
        copy_rows(PageLogEntry, entries, fields)
    else:
        PageLogEntry.objects.bulk_create(entries)


def update_references(pages: list[Page]) -> None:
    """What ReferenceIndex.create_or_update_for_object does, for a chunk of pages at once."""
    if not pages:
        return
    model = type(pages[0])
    if not ReferenceIndex.is_indexed(model):
        return
    content_type = ContentType.objects.get_for_model(model)
    base_content_type = ContentType.objects.get_for_model(Page)
    extract = _references_extractor(model)
    wanted = {(str(page.pk), *reference) for page in pages for reference in extract(page)}
    existing = {
        (object_id, str(to_type), to_id, model_path, content_path): pk
        for pk, object_id, to_type, to_id, model_path, content_path in (
            ReferenceIndex.objects.filter(
                base_content_type=base_content_type, object_id__in=[str(p.pk) for p in pages]
            ).values_list(
                "pk", "object_id", "to_content_type", "to_object_id", "model_path", "content_path"
            )
        )
    }
    wanted = {(object_id, str(to_type), *rest) for object_id, to_type, *rest in wanted}
    hashes = {}  # a chunk's pages share their few content paths ("institution", "role"...)
    for *_reference, content_path in wanted - existing.keys():
        if content_path not in hashes:
            hashes[content_path] = ReferenceIndex._get_content_path_hash(content_path)
    # Ids rather than objects for the keys: a related-object assignment costs more than
    # the row's other fields together.
    ReferenceIndex.objects.bulk_create(
        [
            ReferenceIndex(
                content_type_id=content_type.pk,
                base_content_type_id=base_content_type.pk,
                object_id=object_id,
                to_content_type_id=int(to_type),
                to_object_id=to_id,
                model_path=model_path,
                content_path=content_path,
                content_path_hash=hashes[content_path],
            )
            for object_id, to_type, to_id, model_path, content_path in wanted - existing.keys()
        ],
        ignore_conflicts=True,
    )
    stale = [pk for reference, pk in existing.items() if reference not in wanted]
    if stale:
        ReferenceIndex.objects.filter(pk__in=stale).delete()


def extract_references(page: Page) -> list[tuple]:
    """What Wagtail's `ReferenceIndex._extract_references_from_object(page)` yields, in its
    order, with the fields that can hold a reference (its foreign keys, and fields with their
    own `extract_references`: rich text, stream fields) found once per model rather than
    among all of the model's fields for every page. Child objects (a page's comments) go
    through Wagtail's own walk; a model with a generic foreign key is left to it."""
    return list(_references_extractor(type(page))(page))


@functools.cache
def _references_extractor(model):
    fields = model._meta.get_fields()
    if any(isinstance(f, GenericForeignKey) for f in fields):
        return ReferenceIndex._extract_references_from_object
    children = (
        [rel.get_accessor_name() for rel in get_all_child_relations(model)]
        if issubclass(model, ClusterableModel)
        else []
    )
    steps = []  # (field, the model its foreign key refers to, or None: its own extractor)
    for field in fields:
        if (
            field.is_relation
            and field.many_to_one
            and not getattr(field, "wagtail_reference_index_ignore", False)
            and not getattr(field.related_model, "wagtail_reference_index_ignore", False)
            and not isinstance(field, ParentalKey | GenericRel)
        ):
            steps.append((field, field.related_model))
        if hasattr(field, "extract_references"):
            steps.append((field, None))

    def extract(page):
        for field, related_model in steps:
            value = field.value_from_object(page)
            if value is None:
                continue
            if related_model is not None:
                base = ReferenceIndex._get_base_content_type(related_model).id
                yield base, str(value), field.name, field.name
                continue
            for to_model, to_id, model_path, content_path in field.extract_references(value):
                yield (
                    ReferenceIndex._get_base_content_type(to_model).id,
                    to_id,
                    f"{field.name}.{model_path}",
                    f"{field.name}.{content_path}",
                )
        for name in children:
            for child in getattr(page, name).all():
                references = ReferenceIndex._extract_references_from_object(child)
                for to_type, to_id, model_path, content_path in references:
                    yield (
                        to_type,
                        to_id,
                        f"{name}.item.{model_path}",
                        f"{name}.{child.pk}.{content_path}",
                    )

    return extract
