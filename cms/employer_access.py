"""What an institution account may open in the admin.

Its group may add postings under the job index (content/employers/accounts.py), and Wagtail reads
that grant as a right to *explore* the whole job tree: reports, the page-type usage
listing, move and bulk-action confirmations, the admin API and the choosers name every
institution's drafts. Wagtail has no hook for most of those views, so instead of patching
each one, every admin request of an institution account passes two rules here:

1. Only the views an employer needs are open (`OPEN_VIEWS`); anything else (reports,
   settings, users, snippets, the key and account choosers, a view added by an upgrade)
   is a 404 for them. The open views that list pages filter them with the hooks in
   cms/editorial_admin.py.
2. No page named in the URL or in the ids a view reads from the query string may be
   another institution's posting: a 404 too.

Staff accounts (no InstitutionMembership) and superusers are not affected.
"""

from django.http import Http404

from content.employers.accounts import membership
from content.models import JobPostingPage

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
)
# Views inside those that list pages with no hook to filter them, or reorder the tree.
CLOSED_VIEWS = {
    "wagtailadmin_pages:type_use",
    "wagtailadmin_pages:type_use_results",
    "wagtailadmin_pages:search",
    "wagtailadmin_pages:search_results",
    "wagtailadmin_pages:set_page_position",
}
# Where views take page ids: URL arguments, and query parameters (bulk actions take
# ?id=..., the admin API ?child_of= and ?descendant_of=).
PAGE_ARGUMENTS = ("page_id", "page_to_move_id", "destination_id")
PAGE_QUERY_PARAMETERS = ("id", "child_of", "descendant_of")


def _is_open(view_name: str, kwargs: dict) -> bool:
    if view_name == "wagtail_bulk_action":  # pages only, not users, images or snippets
        return (kwargs.get("app_label"), kwargs.get("model_name")) == ("wagtailcore", "page")
    return view_name not in CLOSED_VIEWS and view_name.startswith(OPEN_VIEWS)


def _named_page_ids(request, view_name: str, kwargs: dict) -> set[str]:
    ids = {str(value) for key, value in kwargs.items() if key.endswith(PAGE_ARGUMENTS)}
    if view_name == "wagtailadmin_api:pages:detail":
        ids.add(str(kwargs.get("pk")))
    for parameter in PAGE_QUERY_PARAMETERS:
        ids.update(request.GET.getlist(parameter))
    return {value for value in ids if value.isdigit()}


def _names_other_postings(institution_id: int, page_ids: set[str]) -> bool:
    if not page_ids:
        return False
    others = JobPostingPage.objects.filter(pk__in=page_ids).exclude(institution_id=institution_id)
    return others.exists()


class EmployerAdminAccess:
    """Middleware: the two rules above, for admin views only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not match.route.startswith("admin/"):
            return None
        member = membership(request.user)
        if member is None:
            return None
        view_name = match.view_name or ""
        if not _is_open(view_name, view_kwargs):
            raise Http404("Not available to institution accounts.")
        if view_name == "wagtailadmin_api:pages:listing" and "for_explorer" not in request.GET:
            # The sidebar explorer asks with for_explorer, which our hook filters.
            raise Http404("Not available to institution accounts.")
        if _names_other_postings(
            member.institution_id, _named_page_ids(request, view_name, view_kwargs)
        ):
            raise Http404("No such page.")
        return None
