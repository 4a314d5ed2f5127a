"""The admin: subscribers with their alerts, digest runs with their counts, a dashboard panel."""

from django.urls import path
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from notifications.admin_views import (
    AlertsDashboardPanel,
    EmailColumn,
    OnlyActions,
    SubscriberDeleteView,
    SubscriberIndexView,
    SubscriberInspectView,
    personal_data,
)
from notifications.models import DigestRun, Subscriber


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    icon = "mail"
    menu_label = "Subscribers"
    index_view_class = SubscriberIndexView
    inspect_view_class = SubscriberInspectView
    delete_view_class = SubscriberDeleteView
    inspect_view_enabled = True
    list_display = [
        EmailColumn("email", label="Email"),
        "status",
        "confirmed_at",
        Column("alert_count", label="Alerts"),
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["email"]
    form_fields = ["status"]  # staff may pause or restore; addresses are the subscriber's
    inspect_view_fields = [
        "email",
        "status",
        "created_at",
        "consented_at",
        "consent_version",
        "consent_method",
        "confirmed_at",
        "unsubscribed_at",
        "bounced_at",
        "bounce_reason",
        "alerts",
        "deliveries",
        "personal_data",
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("personal-data/<int:pk>/", personal_data, name="personal_data"),
        ]

    @property
    def permission_policy(self):
        return OnlyActions(Subscriber, ["view", "change", "delete"])


class DigestRunViewSet(ModelViewSet):
    model = DigestRun
    icon = "history"
    menu_label = "Digest runs"
    list_display = [
        "__str__",
        "jobs",
        "reserved",
        "emails_sent",
        "sent",
        "failed",
        "skipped",
        "finished_at",
    ]
    list_filter = ["frequency"]
    inspect_view_enabled = True
    form_fields = []

    @property
    def permission_policy(self):
        return OnlyActions(DigestRun, ["view"])


class JobAlertsGroup(ModelViewSetGroup):
    menu_label = "Job alerts"
    menu_icon = "mail"
    menu_order = 400
    items = (SubscriberViewSet("subscribers"), DigestRunViewSet("digest_runs"))


@hooks.register("register_admin_viewset")
def register_job_alert_viewsets():
    return JobAlertsGroup()


@hooks.register("construct_homepage_panels")
def add_job_alert_panel(request, panels):
    panels.append(AlertsDashboardPanel())
