"""What an institution account may open in the admin, decided where Wagtail decides it.

Its group may add postings under the job index (content/employers/accounts.py), and Wagtail
reads that grant as a right to *explore* the whole job tree; its choosers and bulk actions
name any page they are given. So an institution account's reach is closed here, by deny by
default, with one rule for pages (`visible_pages`, content/employers/accounts.py) applied
where Wagtail picks pages, never by reading ids out of the URL a second time:

1. Only the views an employer needs are open (`OPEN_VIEWS`, by the name Django's resolver
   gives the view); anything else (reports, settings, users, snippets, the key and account
   choosers, a view added by an upgrade) is a 404 for them.
2. A page a view is given in its URL (the `<int:...>` arguments Django has already
   converted) must be one it may see: a 404 otherwise, whatever the view then shows.
3. The querysets Wagtail builds from ids in the query string are filtered: page bulk
   actions (`?id=`, `?childOf=`), the admin API (`?child_of=`, `/pages/<pk>/`); the
   explorer's and choosers' listings by the hooks in cms/editorial_admin.py.

Staff accounts (no InstitutionMembership) and superusers are not affected, except that
malformed ids in a bulk action are a 404 for everyone instead of a 500.
"""

from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from wagtail import hooks
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.views.pages.bulk_actions.delete import DeleteBulkAction
from wagtail.admin.views.pages.bulk_actions.move import MoveBulkAction
from wagtail.admin.views.pages.bulk_actions.publish import PublishBulkAction
from wagtail.admin.views.pages.bulk_actions.unpublish import UnpublishBulkAction
from wagtail.models import Page

from content.employers.accounts import membership, visible_pages

# The URL names an institution account may open, by prefix ("wagtailadmin_explore" opens
# wagtailadmin_explore_results too; "wagtailadmin_pages:" the whole namespace).
OPEN_VIEWS = (
    "wagtailadmin_home",
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_password_reset",
    "wagtailadmin_account",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "wagtailadmin_dismissibles",
    "wagtailadmin_editing_sessions:",
    "wagtailadmin_tag_",
    "wagtailadmin_block_preview",
    "wagtailadmin_explore",
    "wagtailadmin_choose_page",
    "wagtailadmin_pages:",
    "wagtailadmin_api:pages:",
    "wagtail_bulk_action",
    "wagtailimages_chooser:",
    "wagtaildocs_chooser:",
    "wagtailembeds:",
    "wagtailsnippetchoosers_content_role:",
    "wagtailsnippetchoosers_content_discipline:",
    "wagtailsnippetchoosers_content_institution:",
    "definition_chooser:",  # the glossary-term picker of definition lists
    "job_feeds:",  # an institution's own feeds (content/imports/feed_admin.py scopes them)
    "job_feed_runs:",
    "posting_activity",  # its own postings' views and apply clicks (cms/activity_report.py)
)
# Views inside those that list pages with no hook to filter them, or reorder the tree.
CLOSED_VIEWS = {
    "wagtailadmin_pages:type_use",
    "wagtailadmin_pages:type_use_results",
    "wagtailadmin_pages:search",
    "wagtailadmin_pages:search_results",
    "wagtailadmin_pages:set_page_position",
}


def _is_open(view_name: str, kwargs: dict) -> bool:
    if view_name == "wagtail_bulk_action":  # pages only, not users, images or snippets
        return (kwargs.get("app_label"), kwargs.get("model_name")) == ("wagtailcore", "page")
    return view_name not in CLOSED_VIEWS and view_name.startswith(OPEN_VIEWS)


# The URL arguments of Wagtail's page views that name a page.
PAGE_ARGUMENTS = {"page_id", "parent_page_id", "page_to_move_id", "destination_id"}


def _names_hidden_pages(user, kwargs: dict) -> bool:
    ids = [value for key, value in kwargs.items() if key in PAGE_ARGUMENTS]
    if not ids:
        return False
    if not all(isinstance(value, int) and _in_range(value) for value in ids):
        return True  # not converted by Django (not a page view we know), or no such row
    return visible_pages(Page.objects.filter(pk__in=ids), user).count() < len(set(ids))


class EmployerAdminAccess:
    """Middleware: rules 1 and 2 above, for admin views only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not match.route.startswith("admin/"):
            return None
        if membership(request.user) is None:
            return None
        if not _is_open(match.view_name or "", view_kwargs):
            raise Http404("Not available to institution accounts.")
        if _names_hidden_pages(request.user, view_kwargs):
            raise Http404("No such page.")
        return None


def _in_range(number: int) -> bool:
    _, high = connection.ops.integer_field_range(Page._meta.pk.get_internal_type())
    return 1 <= number <= high


def page_id(value: str) -> int:
    """A page id as the database column takes it, or Http404: Django's IntegerField accepts
    " 12", "+12" and "١٢" but a database refuses "12.0" and ids beyond its integer range."""
    try:
        number = Page._meta.pk.to_python(value)
    except ValidationError:
        raise Http404("No such page.") from None
    if number is None or not _in_range(number):
        raise Http404("No such page.")
    return number


class VisiblePagesOnly:
    """Page bulk actions: well-formed ids only, and only pages the user may see are listed
    (as actionable or as "no access": both name the page) or acted on."""

    def get_actionable_objects(self):
        ids = self.request.GET.getlist("id")
        for value in ids:
            if value != "all":
                page_id(value)
        if "all" in ids and self.request.GET.get("childOf") is not None:
            page_id(self.request.GET["childOf"])
            if not Page.objects.filter(pk=self.request.GET["childOf"]).exists():
                raise Http404("No such page.")
        objects, extra = super().get_actionable_objects()
        no_access = extra["items_with_no_access"]
        pks = [page.pk for page in [*objects, *no_access]]
        shown = set(
            visible_pages(Page.objects.filter(pk__in=pks), self.request.user).values_list(
                "pk", flat=True
            )
        )
        objects = [page for page in objects if page.pk in shown]
        extra["items_with_no_access"] = [page for page in no_access if page.pk in shown]
        if not objects and not extra["items_with_no_access"]:
            raise Http404("No such page.")
        return objects, extra


for _action in (DeleteBulkAction, MoveBulkAction, PublishBulkAction, UnpublishBulkAction):
    # Registered after Wagtail's own (order 1), so these replace them by action type.
    hooks.register(
        "register_bulk_action",
        type(_action.__name__, (VisiblePagesOnly, _action), {"__module__": __name__}),
        order=1,
    )


class VisiblePagesAdminAPIViewSet(PagesAdminAPIViewSet):
    """The admin API (the sidebar explorer, `?child_of=`, `/pages/<pk>/`) starts from the
    pages the user may see, so no filter or id reaches another institution's."""

    def get_base_queryset(self):
        return visible_pages(super().get_base_queryset(), self.request.user)


@hooks.register("construct_admin_api")
def admin_api_shows_visible_pages(router):
    router.register_endpoint("pages", VisiblePagesAdminAPIViewSet)
