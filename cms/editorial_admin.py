"""Admin for employers (API keys, institution accounts, what an institution account sees)
and for operators (the webhook delivery log)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet, SnippetViewSetGroup

from cms.activity_report import MENU_NAME as POSTING_ACTIVITY
from cms.models import IndexingNotification, WebhookDelivery
from content.employers.accounts import issue_key, membership, visible_pages
from content.employers.requests import ReviewError, matching_institution
from content.models import EmployerApiKey, InstitutionAccountRequest, InstitutionMembership
from content.validators import validate_single_line
from notifications.institutions import (
    approve_and_invite,
    may_resend_invitation,
    reject_and_tell,
    resend_invitation,
)


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


class AccountRequestPolicy(ModelPermissionPolicy):
    """Staff with the model's permissions; never an institution account (deny by default,
    besides cms/employer_access.py closing every view not opened to them), and nobody adds
    a request here: they come from the public form."""

    def user_has_permission(self, user, action):
        if action == "add" or membership(user) is not None:
            return False
        return super().user_has_permission(user, action)


class ReviewRequestView(WagtailAdminTemplateMixin, TemplateView):
    """Approve (creates the account, sends the invitation) or reject (tells the requester)
    one pending request, or send an approved one's invitation again: the GET shows what
    will happen, only a POST (with Django's CSRF check) does it."""

    template_name = "content/admin/account_request_review.html"
    action = "approve"
    viewset = None

    def dispatch(self, request, pk):
        if not self.viewset.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        self.object = get_object_or_404(InstitutionAccountRequest, pk=pk)
        return super().dispatch(request, pk)

    def get_page_title(self):
        if self.action == "resend":
            return f"Send the invitation for {self.object.institution_name} again"
        verb = "Approve" if self.action == "approve" else "Reject"
        return f"{verb} the request of {self.object.institution_name}"

    def get_context_data(self, **kwargs):
        institution = self.object.institution or matching_institution(self.object)
        return super().get_context_data(
            object=self.object,
            action=self.action,
            institution=institution,
            pending=self.object.status == InstitutionAccountRequest.Status.PENDING,
            may_resend=may_resend_invitation(self.object),
            edit_url=reverse(self.viewset.get_url_name("edit"), args=[self.object.pk]),
            **kwargs,
        )

    def post(self, request, pk):
        try:
            if self.action == "approve":
                user = approve_and_invite(self.object, request.user)
                done = f"Approved: {user.username} is invited to set a password."
            elif self.action == "resend":
                user = resend_invitation(self.object)
                done = f"The invitation was sent to {user.email} again."
            else:
                reject_and_tell(self.object, request.user, request.POST.get("reason", ""))
                done = f"Rejected; {self.object.contact_email} was told."
        except ReviewError as err:
            messages.error(request, str(err))
            return redirect(self.viewset.get_url_name("edit"), self.object.pk)
        messages.success(request, f"{self.object.institution_name}: {done}")
        return redirect(self.viewset.get_url_name("list"))


class ReviewLinksColumn(Column):
    cell_template_name = "content/admin/account_request_actions.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["pending"] = instance.status == InstitutionAccountRequest.Status.PENDING
        context["approve_url"] = reverse(self.viewset.get_url_name("approve"), args=[instance.pk])
        context["reject_url"] = reverse(self.viewset.get_url_name("reject"), args=[instance.pk])
        context["may_resend"] = may_resend_invitation(instance)
        context["resend_url"] = reverse(self.viewset.get_url_name("resend"), args=[instance.pk])
        return context


class InstitutionAccountRequestViewSet(SnippetViewSet):
    model = InstitutionAccountRequest
    icon = "mail"
    menu_label = "Account requests"
    list_filter = ["status"]
    search_fields = ["institution_name", "contact_name", "contact_email"]
    inspect_view_enabled = True
    copy_view_enabled = False

    @property
    def permission_policy(self):
        return AccountRequestPolicy(self.model)

    @property
    def list_display(self):
        actions = ReviewLinksColumn("review", label="Review")
        actions.viewset = self
        columns = ["institution_name", "contact_name", "contact_email", "status", "created_at"]
        return [*columns, actions]

    def get_urlpatterns(self):
        review = {"viewset": self}
        return [
            *super().get_urlpatterns(),
            path(
                "approve/<int:pk>/",
                ReviewRequestView.as_view(action="approve", **review),
                name="approve",
            ),
            path(
                "reject/<int:pk>/",
                ReviewRequestView.as_view(action="reject", **review),
                name="reject",
            ),
            path(
                "resend/<int:pk>/",
                ReviewRequestView.as_view(action="resend", **review),
                name="resend",
            ),
        ]


class EmployersGroup(SnippetViewSetGroup):
    menu_label = "Employers"
    menu_icon = "group"
    menu_order = 310
    items = (InstitutionAccountRequestViewSet, InstitutionMembershipViewSet, EmployerApiKeyViewSet)


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
