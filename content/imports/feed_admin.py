"""Job feeds in the admin: editors manage every feed; an institution account manages its own
institution's feeds (never set to publish directly) and sees their runs, nobody else's."""

from django.core.exceptions import ValidationError
from django.http import Http404
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy

from content.employers.accounts import membership
from content.models import Institution, JobFeed, JobFeedRun

MEMBER_FEED_ACTIONS = {"add", "change", "delete", "view"}


class InstitutionScopedPolicy(ModelPermissionPolicy):
    """Model permissions for staff; for an institution account, `member_actions` on its own
    institution's rows (the views below scope every queryset to them)."""

    def __init__(self, model, institution_field, member_actions, staff_actions=None):
        super().__init__(model)
        self.institution_field = institution_field
        self.member_actions, self.staff_actions = member_actions, staff_actions

    def user_has_permission(self, user, action):
        if membership(user):
            return action in self.member_actions
        if self.staff_actions is not None and action not in self.staff_actions:
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and (
                scoped(self.model.objects.filter(pk=instance.pk), user, self.institution_field)
            ).exists()
        )

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model.objects.none()
        return scoped(self.model.objects.all(), user, self.institution_field)


def scoped(queryset, user, institution_field: str):
    member = membership(user)
    if member is None:
        return queryset
    return queryset.filter(**{institution_field: member.institution})


class InstitutionScopedViews:
    """Every view of the viewsets below (index, edit, delete, inspect, history, usage, and
    any a Wagtail upgrade adds through the same classes) sees only the rows its policy
    allows the user: another institution's feed or run, or a malformed id, is a 404."""

    def allowed(self):
        return self.permission_policy.instances_user_has_permission_for(self.request.user, "view")

    def get_base_queryset(self):  # listings
        return super().get_base_queryset().filter(pk__in=self.allowed().values("pk"))

    def get_object(self, *args, **kwargs):  # every view of one object
        try:
            obj = super().get_object(*args, **kwargs)
        except (ValueError, ValidationError):
            raise Http404 from None
        if not self.allowed().filter(pk=obj.pk).exists():
            raise Http404
        return obj


class IndexView(InstitutionScopedViews, generic.IndexView):
    pass


class EditView(InstitutionScopedViews, generic.EditView):
    pass


class DeleteView(InstitutionScopedViews, generic.DeleteView):
    pass


class InspectView(InstitutionScopedViews, generic.InspectView):
    pass


class ScopedHistoryView(InstitutionScopedViews, HistoryView):
    pass


class ScopedUsageView(InstitutionScopedViews, UsageView):
    pass


class ScopedViewSet(ModelViewSet):
    index_view_class = IndexView
    edit_view_class = EditView
    delete_view_class = DeleteView
    inspect_view_class = InspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    inspect_view_enabled = True
    copy_view_enabled = False


class JobFeedForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.member = membership(for_user)
        if self.member:
            institution = self.fields["institution"]
            institution.queryset = Institution.objects.filter(pk=self.member.institution_id)
            institution.initial = self.member.institution_id
            # Publishing without review is an editor's decision, for trusted institutions.
            self.fields["publish_directly"].disabled = True
            # Only the institution's own accounts are offered as the feed's owner.
            owner = self.fields["owner"]
            owner.queryset = owner.queryset.filter(
                institution_membership__institution_id=self.member.institution_id
            )

    def clean(self):
        data = super().clean()
        if self.member and data.get("institution") != self.member.institution:
            self.add_error("institution", "Feeds here can only be for your institution.")
        return data

    def save(self, commit=True):
        if self.instance.owner_id is None and self.for_user is not None:
            self.instance.owner = self.for_user
        return super().save(commit)


class JobFeedViewSet(ScopedViewSet):
    model = JobFeed
    icon = "download"
    menu_label = "Feeds"
    list_display = ["name", "institution", "format", "active", "last_fetched_at"]
    list_filter = ["active", "format"]
    search_fields = ["name", "url"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("institution"),
            FieldPanel("url"),
            FieldRowPanel([FieldPanel("format"), FieldPanel("interval_minutes")]),
            FieldPanel("column_mapping"),
            FieldRowPanel([FieldPanel("publish_directly"), FieldPanel("active")]),
            FieldPanel("owner"),
        ],
        base_form_class=JobFeedForm,
    )

    @property
    def permission_policy(self):
        return InstitutionScopedPolicy(JobFeed, "institution", MEMBER_FEED_ACTIONS)


class JobFeedRunViewSet(ScopedViewSet):
    """The per-run log; the system writes it, people read it."""

    model = JobFeedRun
    icon = "history"
    menu_label = "Feed runs"
    list_display = [
        "__str__",
        "status",
        Column("progress", label="Progress"),
        "created",
        "updated",
        "unchanged",
        "closed",
        "failed",
        "finished_at",
    ]
    list_filter = ["status"]
    form_fields = []
    inspect_view_fields = [
        "feed",
        "status",
        "started_at",
        "finished_at",
        "fetched_bytes",
        "rows_total",
        "rows_done",
        "created",
        "updated",
        "unchanged",
        "closed",
        "failed",
        "error",
        "row_errors",
    ]

    @property
    def permission_policy(self):
        return InstitutionScopedPolicy(
            JobFeedRun, "feed__institution", {"view"}, staff_actions={"view", "delete"}
        )


class JobFeedsGroup(ModelViewSetGroup):
    menu_label = "Job feeds"
    menu_icon = "download"
    menu_order = 320
    items = (JobFeedViewSet("job_feeds"), JobFeedRunViewSet("job_feed_runs"))
