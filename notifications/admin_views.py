"""Admin views for subscribers and digest runs. Email addresses are personal data: only
users with `notifications.view_subscriber_email` see them or may search by them."""

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.reports import ReportView
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from notifications import privacy, suppression
from notifications.models import (
    Delivery,
    DeliveryEvent,
    DigestRun,
    JobAlert,
    SentEmails,
    Subscriber,
    Suppression,
)

EMAIL_PERMISSION = "notifications.view_subscriber_email"
HIDDEN = "(hidden)"


def can_see_emails(user) -> bool:
    return user.has_perm(EMAIL_PERMISSION)


class OnlyActions(ModelPermissionPolicy):
    """Model permissions, narrowed to some actions: subscribers sign up themselves (never
    added by staff), digest runs are written by the scheduler only."""

    def __init__(self, model, actions):
        super().__init__(model)
        self.actions = set(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, [a for a in actions if a in self.actions])


class EmailColumn(Column):
    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        if request is None or not can_see_emails(request.user):
            context["value"] = HIDDEN
        return context


class SubscriberIndexView(generic.IndexView):
    def search_queryset(self, queryset):
        if self.search_query and not can_see_emails(self.request.user):
            # Searching by address would tell whether an address is subscribed.
            return queryset.none()
        return super().search_queryset(queryset)

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(alert_count=Count("alerts"))


def describe_alert(alert: JobAlert) -> str:
    parts = [alert.get_frequency_display()]
    for label, values in (
        ("disciplines", [d.name for d in alert.disciplines.all()]),
        ("roles", [r.name for r in alert.roles.all()]),
        ("countries", alert.country_list),
        ("keywords", [k.keyword for k in alert.keyword_rows.all()]),
    ):
        if values:
            parts.append(f"{label}: {', '.join(values)}")
    if alert.remote:
        parts.append(f"remote: {alert.remote}")
    if alert.active_since is None:
        parts.append("not confirmed yet")
    return "; ".join(parts)


class SubscriberInspectView(generic.InspectView):
    def get_email_display_value(self):
        return self.object.email if can_see_emails(self.request.user) else HIDDEN

    def get_alerts_display_value(self):
        alerts = self.object.alerts.prefetch_related("disciplines", "roles", "keyword_rows")
        return " | ".join(describe_alert(alert) for alert in alerts) or "-"

    def get_deliveries_display_value(self):
        counts = dict(
            self.object.deliveries.values_list("status").annotate(n=Count("pk")).order_by()
        )
        summary = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())) or "-"
        # Why the last few failed: a bounce, an email that could not be built, ...
        errors = (
            self.object.deliveries.filter(status=Delivery.Status.FAILED)
            .order_by("-pk")
            .values_list("job_id", "error")[:5]
        )
        reasons = [f"job #{job_id} failed: {error}" for job_id, error in errors]
        return " | ".join([summary, *reasons])

    def get_field_label(self, field_name, field):
        if field_name == "personal_data":
            return "Personal data"
        return super().get_field_label(field_name, field)

    def get_personal_data_display_value(self):
        if not can_see_emails(self.request.user):
            return HIDDEN
        url = reverse("subscribers:personal_data", args=[self.object.pk])
        return format_html('<a href="{}" download>Download as JSON</a>', url)


class SubscriberDeleteView(generic.DeleteView):
    """Deleting a subscriber in the admin is their erasure: every table, not only the row
    and what Django cascades to (notifications/privacy.py)."""

    def delete_action(self):
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete")
            privacy.erase(self.object)


def personal_data(request, pk):
    """Staff download a subscriber's data for them (an access request by email, ...)."""
    if not can_see_emails(request.user):
        raise PermissionDenied
    subscriber = get_object_or_404(Subscriber, pk=pk)
    response = JsonResponse(privacy.export(subscriber), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="subscriber-{subscriber.pk}.json"'
    return response


class AlertsDashboardPanel(Component):
    """Figures only, never addresses, so every admin user may see it."""

    name = "job_alert_figures"
    order = 300

    template_name = "notifications/admin/dashboard_panel.html"  # Wagtail's {% panel %}

    def get_context_data(self, parent_context=None):
        week_ago = timezone.now() - dt.timedelta(days=7)
        statuses = dict(Subscriber.objects.values_list("status").annotate(n=Count("pk")).order_by())
        deliveries = Delivery.objects.aggregate(
            sent_7d=Count("pk", filter=Q(status=Delivery.Status.SENT, sent_at__gte=week_ago)),
            failed_7d=Count(
                "pk", filter=Q(status=Delivery.Status.FAILED, created_at__gte=week_ago)
            ),
            skipped_7d=Count(
                "pk", filter=Q(status=Delivery.Status.SKIPPED, created_at__gte=week_ago)
            ),
            pending=Count("pk", filter=Q(status=Delivery.Status.PENDING)),
        )
        return {
            "statuses": [
                (label, statuses.get(value, 0)) for value, label in Subscriber.Status.choices
            ],
            "active_alerts": JobAlert.objects.filter(
                active_since__isnull=False, subscriber__status=Subscriber.Status.CONFIRMED
            ).count(),
            "deliveries": deliveries,
            "last_run": DigestRun.objects.first(),
        }


# --- the suppression list ---------------------------------------------------------------------


class SuppressForm(WagtailAdminModelForm):
    """Staff add an address by hand (it is stored only as its keyed hash)."""

    address = forms.EmailField(help_text="Stored only as a keyed hash, never as the address.")

    class Meta:
        model = Suppression
        fields = ["detail"]


class LiftForm(WagtailAdminModelForm):
    class Meta:
        model = Suppression
        fields = ["lift_reason"]
        labels = {"lift_reason": "Why lift it"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reason = self.fields["lift_reason"]
        reason.required = True
        reason.help_text = "Recorded with your name. Emails go to the address again at once."


class SuppressView(generic.CreateView):
    def save_instance(self):
        entry = suppression.suppress(
            self.form.cleaned_data["address"],
            Suppression.Reason.MANUAL,
            "admin",
            self.form.cleaned_data["detail"],
        )
        log(instance=entry, action="wagtail.create", content_changed=True)
        return entry


class LiftView(generic.EditView):
    """The edit view of an entry is its lift: with a reason, recorded (and logged)."""

    success_message = "Suppression lifted."

    def save_instance(self):
        entry = Suppression.objects.get(pk=self.object.pk)  # as stored, not as the form set it
        entry = suppression.lift(entry, self.request.user, self.form.cleaned_data["lift_reason"])
        log(instance=entry, action="wagtail.edit", content_changed=True)
        return entry


# --- bounces and complaints -------------------------------------------------------------------


@dataclass
class DayOfMail:
    day: dt.date
    emails: int = 0
    hard_bounces: int = 0
    soft_bounces: int = 0
    complaints: int = 0

    @staticmethod
    def _rate(count: int, emails: int) -> str:
        return f"{100 * count / emails:.2f}%" if emails else "-"

    @property
    def bounce_rate(self) -> str:
        return self._rate(self.hard_bounces, self.emails)

    @property
    def complaint_rate(self) -> str:
        return self._rate(self.complaints, self.emails)


def daily_rates(days: int = 30, today: dt.date | None = None) -> list[DayOfMail]:
    """Per day, newest first: every email sent (SentEmails: digests, institution notices,
    confirmations and other one-off emails), hard bounces and complaints (DeliveryEvent),
    and their rates. Gmail and Yahoo ask bulk senders to keep complaints under 0.3%."""
    today = today or timezone.localdate()
    first = today - dt.timedelta(days=days - 1)
    rows = {
        first + dt.timedelta(days=n): DayOfMail(first + dt.timedelta(days=n)) for n in range(days)
    }
    sent = (
        SentEmails.objects.filter(day__gte=first).values("day").annotate(n=Sum("emails")).order_by()
    )
    for row in sent:
        if row["day"] in rows:
            rows[row["day"]].emails = row["n"] or 0
    field = {
        DeliveryEvent.Kind.HARD_BOUNCE: "hard_bounces",
        DeliveryEvent.Kind.REJECTED: "hard_bounces",
        DeliveryEvent.Kind.SOFT_BOUNCE: "soft_bounces",
        DeliveryEvent.Kind.COMPLAINT: "complaints",
    }
    events = (
        DeliveryEvent.objects.filter(created_at__date__gte=first, kind__in=list(field))
        .annotate(day=TruncDate("created_at"))
        .values("day", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in events:
        if row["day"] in rows:
            day = rows[row["day"]]
            setattr(day, field[row["kind"]], getattr(day, field[row["kind"]]) + row["n"])
    return sorted(rows.values(), key=lambda row: row.day, reverse=True)


class DeliveryRatesView(ReportView):
    """The admin's report of bounce and complaint rates per day (Reports menu)."""

    page_title = title = "Bounce and complaint rates"
    header_icon = "warning"
    index_url_name = "notifications_delivery_rates"
    index_results_url_name = "notifications_delivery_rates_results"
    permission_policy = ModelPermissionPolicy(DeliveryEvent)
    permission_required = "view"
    paginate_by = 31
    columns = [
        Column("day", label="Day"),
        Column("emails", label="Emails sent"),
        Column("hard_bounces", label="Hard bounces"),
        Column("bounce_rate", label="Bounce rate"),
        Column("soft_bounces", label="Soft bounces"),
        Column("complaints", label="Complaints"),
        Column("complaint_rate", label="Complaint rate"),
    ]
    list_export = [
        "day",
        "emails",
        "hard_bounces",
        "bounce_rate",
        "soft_bounces",
        "complaints",
        "complaint_rate",
    ]

    def get_queryset(self):
        return daily_rates()
