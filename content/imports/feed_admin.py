"""Job feeds in the admin: editors manage every feed; an institution account manages its own
institution's feeds (never set to publish directly) and sees their runs, nobody else's."""

from django.core.exceptions import PermissionDenied
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
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


class ScopedObjectMixin:
    """Edit, delete and inspect views: another institution's feed or run is refused."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "view", obj
        ):
            raise PermissionDenied
        return obj


class FeedIndexView(generic.IndexView):
    def get_base_queryset(self):
        return scoped(super().get_base_queryset(), self.request.user, "institution")


class FeedEditView(ScopedObjectMixin, generic.EditView):
    pass


class FeedDeleteView(ScopedObjectMixin, generic.DeleteView):
    pass


class FeedInspectView(ScopedObjectMixin, generic.InspectView):
    pass


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


class JobFeedViewSet(ModelViewSet):
    model = JobFeed
    icon = "download"
    menu_label = "Feeds"
    index_view_class = FeedIndexView
    edit_view_class = FeedEditView
    delete_view_class = FeedDeleteView
    inspect_view_class = FeedInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
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


class RunIndexView(generic.IndexView):
    def get_base_queryset(self):
        return scoped(super().get_base_queryset(), self.request.user, "feed__institution")


class RunInspectView(ScopedObjectMixin, generic.InspectView):
    pass


class JobFeedRunViewSet(ModelViewSet):
    """The per-run log; the system writes it, people read it."""

    model = JobFeedRun
    icon = "history"
    menu_label = "Feed runs"
    index_view_class = RunIndexView
    inspect_view_class = RunInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
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
