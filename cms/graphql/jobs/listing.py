"""The `jobs` listing's projection: rows of the columns the query selects instead of page
models, when every field selected on the items can be answered from them.

Building a JobPostingPage is most of an uncached listing's cost: each instance walks its
model's ~70 fields twice (modelcluster's constructor) besides Django's own, and the page row
is ~70 columns wide with three rich-text bodies. A listing usually shows a dozen plain
columns, so `listing_plan` reads the items' selection (a walk of the query's few nodes) and,
when every selected field is in `COLUMNS`, the page is fetched with `values()` and each row
wrapped in a `JobListing`. The rows come from the same queryset (content.visibility's rule,
the filters, the order), and the GraphQL types resolve a JobListing with the code they use
for a model: its computed values are the model's own properties, its institution and role
are model instances built from columns joined into the same query (one per distinct row),
its disciplines come from the same loader. Any other field (rich text, JSON-LD, the tree,
`pageType`), a directive, or a site whose page URLs this module cannot derive (see
`_urls_derivable`) takes the model path.
"""

from typing import NamedTuple

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from graphene.utils.str_converters import to_camel_case
from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode
from wagtail.models import Page, Site

from cms.graphql.jobs.loaders import DisciplinesByJobLoader
from cms.graphql.taxonomy.types import announce_institutions
from content.job_fields import graphql_groups
from content.models import Institution, JobPostingPage, Role


def _joined(relation: str, model) -> tuple[str, ...]:
    """The lookups of every column of a related row, joined into the page query."""
    return tuple(f"{relation}__{field.name}" for field in model._meta.concrete_fields)


INSTITUTION = _joined("institution", Institution)
ROLE = _joined("role", Role)
# PageInterface's fields -> the columns they are answered from. `id`, `path` and `url_path`
# are always read (the loaders' key; content.public_urls.page_url's check and the URL).
PAGE_COLUMNS = {
    "__typename": (),
    "id": (),
    "title": ("title",),
    "slug": ("slug",),
    "url": (),
    "urlPath": (),
    "contentType": ("content_type_id",),
    "live": ("live",),
    "depth": ("depth",),
    "seoTitle": ("seo_title",),
    "searchDescription": ("search_description",),
    "showInMenus": ("show_in_menus",),
    "firstPublishedAt": ("first_published_at",),
    "lastPublishedAt": ("last_published_at",),
}
# Job fields answered from other columns than their own: joined relations, and the
# disciplines, which come from their loader.
_JOINED = {
    "institution": INSTITUTION,
    "country": ("country", *INSTITUTION),  # blank: the institution's
    "role": ROLE,
    "disciplines": (),
}


def _job_columns() -> dict[str, tuple[str, ...]]:
    """The job type's fields (content.job_fields) the projection answers, with their
    columns: a field is listed when every job field it shows is."""
    return {
        to_camel_case(name): _JOINED.get(name, tuple(field.name for field in fields))
        for name, fields in graphql_groups().items()
        if all(field.listed for field in fields)
    }


# GraphQL field of a job -> the columns it is answered from.
COLUMNS = {**PAGE_COLUMNS, **_job_columns()}
ALWAYS = ("id", "path", "url_path")


class JobListing:
    """A job posting as one listing row: the selected columns as attributes, with the
    model's own properties for the values computed from them."""

    country_info = JobPostingPage.country_info
    salary_info = JobPostingPage.salary_info
    keyword_list = JobPostingPage.keyword_list

    def __init__(self, row: dict, institution, role, root_paths):
        self.__dict__.update(row)
        self.institution = institution
        self.role = role
        self._root_paths = root_paths

    @property
    def pk(self):
        return self.id

    def get_url_parts(self, request=None):
        """What Page.get_url_parts gives for this page, which JobPostingPage does not
        override, on a site where `_urls_derivable` holds: the one site root above it."""
        for site_id, root_path, root_url, _language in self._root_paths:
            if self.url_path.startswith(root_path):
                try:
                    return (
                        site_id,
                        root_url,
                        reverse("wagtail_serve", args=(self.url_path[len(root_path) :],)),
                    )
                except NoReverseMatch:
                    return (site_id, None, None)
        return None


def _urls_derivable(root_paths) -> bool:
    """Page.get_url_parts, without the request, when: the job model keeps Wagtail's own, no
    language prefixes, trailing slashes kept, and no page under two sites' roots (no root
    path inside another)."""
    paths = [root_path for _site, root_path, _url, _language in root_paths]
    nested = any(a != b and b.startswith(a) for a in paths for b in paths)
    return not (
        JobPostingPage.get_url_parts is not Page.get_url_parts
        or getattr(settings, "WAGTAIL_I18N_ENABLED", False)
        or not getattr(settings, "WAGTAIL_APPEND_SLASH", True)
        or nested
        or len(set(paths)) != len(paths)
    )


def _item_fields(selection_set, fragments) -> set[str] | None:
    """Names of the fields selected on a job (through fragments on it or its interface), or
    None when the selection uses anything this module does not plan for."""
    names: set[str] = set()
    for selection in selection_set.selections:
        if selection.directives:
            return None
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
            continue
        if isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None or fragment.directives:
                return None
            condition, nested = fragment.type_condition, fragment.selection_set
        elif isinstance(selection, InlineFragmentNode):
            condition, nested = selection.type_condition, selection.selection_set
        else:
            return None
        if condition is not None and condition.name.value not in (
            "JobPostingPage",
            "PageInterface",
        ):
            return None
        inner = _item_fields(nested, fragments)
        if inner is None:
            return None
        names |= inner
    return names


class ListingPlan(NamedTuple):
    columns: tuple[str, ...]
    root_paths: tuple  # Site.get_site_root_paths(), read once for the page's URLs


def listing_plan(info) -> ListingPlan | None:
    """The columns that answer every field the query selects on `items`, or None (the model
    path)."""
    names: set[str] = set()
    for field_node in info.field_nodes:
        selections = field_node.selection_set.selections if field_node.selection_set else ()
        for selection in selections:
            if not isinstance(selection, FieldNode) or selection.directives:
                return None
            if selection.name.value != "items":
                continue
            fields = _item_fields(selection.selection_set, info.fragments)
            if fields is None or not fields <= COLUMNS.keys():
                return None
            names |= fields
    root_paths = tuple(Site.get_site_root_paths())
    if not _urls_derivable(root_paths):
        return None
    columns = dict.fromkeys([*ALWAYS, *(column for name in names for column in COLUMNS[name])])
    return ListingPlan(tuple(columns), root_paths)


def _related(rows: list[dict], lookups: tuple[str, ...], model, db) -> list:
    """Each row's related object, built from its joined columns (taken out of the row), one
    instance per distinct row; None for every row when the relation was not selected."""
    if not rows or lookups[0] not in rows[0]:
        return [None] * len(rows)
    attnames = [field.attname for field in model._meta.concrete_fields]
    pk_index = model._meta.concrete_fields.index(model._meta.pk)
    built: dict = {}
    related = []
    for row in rows:
        values = [row.pop(lookup) for lookup in lookups]
        pk = values[pk_index]
        if pk not in built:
            built[pk] = model.from_db(db, attnames, values)
        related.append(built[pk])
    return related


def fetch_listings(info, jobs, plan: ListingPlan) -> list[JobListing]:
    """The page of `jobs` as JobListings, with their institutions' logos and disciplines
    announced to their loaders (fetched only if the query shows them)."""
    rows = list(jobs.values(*plan.columns))
    institutions = _related(rows, INSTITUTION, Institution, jobs.db)
    roles = _related(rows, ROLE, Role, jobs.db)
    listings = [
        JobListing(row, institution, role, plan.root_paths)
        for row, institution, role in zip(rows, institutions, roles, strict=True)
    ]
    announce_institutions(info, list(filter(None, institutions)))
    DisciplinesByJobLoader.of(info).want([listing.pk for listing in listings])
    return listings
