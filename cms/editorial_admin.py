"""Admin for employers (API keys, institution accounts, what an institution account sees)
and for operators (the webhook delivery log)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from wagtail import hooks
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet, SnippetViewSetGroup

from cms.activity_report import MENU_NAME as POSTING_ACTIVITY
from cms.models import IndexingNotification, WebhookDelivery
from content.employers.accounts import issue_key, membership, visible_pages
from content.models import EmployerApiKey, InstitutionMembership
from content.validators import validate_single_line


class ApiKeyCreateView(CreateView):
    """Shows the new key once, on the page that answers the form; only its hash is stored."""

    def save_instance(self):
        self.new_key = issue_key(self.form.instance)
        return super().save_instance()

    def save_action(self):
        return TemplateResponse(
            self.request,
            "content/admin/api_key_created.html",
            {"api_key": self.object, "key": self.new_key, "index_url": self.get_success_url()},
        )


class EmployerApiKeyViewSet(SnippetViewSet):
    model = EmployerApiKey
    icon = "key"
    add_view_class = ApiKeyCreateView
    list_display = ["name", "institution", "prefix", "active", "created_at", "last_used_at"]
    list_filter = ["active", "institution"]
    search_fields = ["name", "prefix"]


class InstitutionMembershipViewSet(SnippetViewSet):
    model = InstitutionMembership
    icon = "user"
    menu_label = "Institution accounts"
    list_display = ["user", "institution"]
    list_filter = ["institution"]


class EmployersGroup(SnippetViewSetGroup):
    menu_label = "Employers"
    menu_icon = "group"
    menu_order = 310
    items = (InstitutionMembershipViewSet, EmployerApiKeyViewSet)


register_snippet(EmployersGroup)


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """The system writes these rows; people read them (and may delete old ones)."""

    def user_has_permission(self, user, action):
        return action not in ("add", "change") and super().user_has_permission(user, action)


class WebhookDeliveryViewSet(SnippetViewSet):
    model = WebhookDelivery
    icon = "link-external"
    menu_label = "Webhook deliveries"
    menu_order = 900
    add_to_admin_menu = True
    inspect_view_enabled = True
    list_display = [
        "event",
        "page_title",
        "url",
        "status",
        "attempts",
        "response_status",
        "created_at",
    ]
    list_filter = ["status", "event"]
    search_fields = ["page_title", "url"]

    @property
    def permission_policy(self):
        return ReadOnlyPermissionPolicy(self.model)


register_snippet(WebhookDeliveryViewSet)


class IndexingNotificationViewSet(SnippetViewSet):
    """The queue and log of Google Indexing API notifications (cms/google_indexing.py)."""

    model = IndexingNotification
    icon = "site"
    menu_label = "Google indexing"
    menu_order = 901
    add_to_admin_menu = True
    inspect_view_enabled = True
    list_display = ["type", "url", "status", "response_status", "created_at", "sent_at"]
    list_filter = ["status", "type"]
    search_fields = ["url"]

    @property
    def permission_policy(self):
        return ReadOnlyPermissionPolicy(self.model)


register_snippet(IndexingNotificationViewSet)


@hooks.register("construct_explorer_page_queryset")
def only_own_postings(parent_page, pages, request):
    return visible_pages(pages, request.user)


@hooks.register("construct_page_chooser_queryset")
def only_own_postings_in_choosers(pages, request):
    return visible_pages(pages, request.user)


def _own_institution_only(request):
    """Whatever the form says, an institution account's postings are its institution's."""
    member = membership(request.user)
    if member is not None and request.method == "POST":
        data = request.POST.copy()
        data["institution"] = str(member.institution_id)
        request.POST = data


@hooks.register("before_create_page")
def employer_creates_for_own_institution(request, parent_page, page_class):
    _own_institution_only(request)


@hooks.register("before_edit_page")
def employer_edits_for_own_institution(request, page):
    _own_institution_only(request)


@hooks.register("construct_reports_menu")
def no_reports_for_institution_accounts(request, menu_items):
    # The reports span every institution: cms/employer_access.py closes them to these accounts,
    # all but the posting activity, which shows each account its own postings only.
    if membership(request.user) is not None:
        menu_items[:] = [item for item in menu_items if item.name == POSTING_ACTIVITY]


@hooks.register("before_copy_page")
def copies_keep_single_line_titles(request, page):
    # Wagtail saves a copy without the model's clean(), so its new title is checked here.
    if request.method == "POST":
        try:
            validate_single_line(request.POST.get("new_title", "").strip())
        except ValidationError as err:
            messages.error(request, err.messages[0])
            return redirect(request.get_full_path())
    return None
