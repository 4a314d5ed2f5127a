"""The admin: subscribers with their alerts, digest runs with their counts, a dashboard panel."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from notifications.admin_views import (
    AlertsDashboardPanel,
    DeliveryRatesView,
    EmailColumn,
    LiftForm,
    LiftView,
    OnlyActions,
    SubscriberDeleteView,
    SubscriberIndexView,
    SubscriberInspectView,
    SuppressForm,
    SuppressView,
    personal_data,
)
from notifications.models import DeliveryEvent, DigestRun, Subscriber, Suppression


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


class SuppressionViewSet(ModelViewSet):
    """The suppression list: no address is shown (none is stored). Staff add an address by
    hand, and lift an entry with a reason (its edit view)."""

    model = Suppression
    icon = "no-view"
    menu_label = "Suppression list"
    add_view_class = SuppressView
    edit_view_class = LiftView
    list_display = ["__str__", "reason", "source", "detail", "created_at", "lifted_at"]
    list_filter = ["reason", "source"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "reason",
        "source",
        "detail",
        "created_at",
        "lifted_at",
        "lifted_by",
        "lift_reason",
    ]

    def get_form_class(self, for_update=False):
        return LiftForm if for_update else SuppressForm

    @property
    def permission_policy(self):
        return OnlyActions(Suppression, ["view", "add", "change"])


class DeliveryEventViewSet(ModelViewSet):
    """Bounces, complaints and ESP events as they arrived (notifications/bounces.py)."""

    model = DeliveryEvent
    icon = "warning"
    menu_label = "Bounces and complaints"
    list_display = ["kind", "subscriber", "source", "status", "detail", "created_at"]
    list_filter = ["kind", "source"]
    inspect_view_enabled = True
    form_fields = []

    @property
    def permission_policy(self):
        return OnlyActions(DeliveryEvent, ["view"])


class JobAlertsGroup(ModelViewSetGroup):
    menu_label = "Job alerts"
    menu_icon = "mail"
    menu_order = 400
    items = (
        SubscriberViewSet("subscribers"),
        DigestRunViewSet("digest_runs"),
        SuppressionViewSet("suppressions"),
        DeliveryEventViewSet("delivery_events"),
    )


@hooks.register("register_admin_viewset")
def register_job_alert_viewsets():
    return JobAlertsGroup()


@hooks.register("construct_homepage_panels")
def add_job_alert_panel(request, panels):
    panels.append(AlertsDashboardPanel())


@hooks.register("register_admin_urls")
def register_delivery_rates_urls():
    view = DeliveryRatesView.as_view()
    results = DeliveryRatesView.as_view(results_only=True)
    return [
        path("reports/delivery-rates/", view, name="notifications_delivery_rates"),
        path(
            "reports/delivery-rates/results/",
            results,
            name="notifications_delivery_rates_results",
        ),
    ]


class DeliveryRatesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("notifications.view_deliveryevent")


@hooks.register("register_reports_menu_item")
def register_delivery_rates_menu_item():
    return DeliveryRatesMenuItem(
        "Bounce and complaint rates",
        reverse("notifications_delivery_rates"),
        name="delivery-rates",
        icon_name="warning",
        order=900,
    )
