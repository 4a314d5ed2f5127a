"""The admin's "Posting activity" report: views and apply clicks per posting over a date range
(counted by cms/activity.py), a bar chart of the days (inline SVG drawn here, nothing loaded
from elsewhere) and Wagtail's CSV/XLSX export of the table.

An institution account sees only its own postings: the postings are those `visible_pages`
(content/employers/accounts.py, the one tenancy rule) lets the user see; staff see all. It is
the only report open to institution accounts (cms/employer_access.py OPEN_VIEWS, and the
reports menu in cms/editorial_admin.py).
"""

import datetime as dt

import django_filters
from django.db.models import IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput

from cms.models import JobActivity
from content.employers.accounts import visible_pages
from content.models import JobPostingPage

DEFAULT_DAYS = 30
MAX_DAYS = 366
URL_NAME = "posting_activity"
MENU_NAME = "posting-activity"


class PostingActivityFilterSet(WagtailFilterSet):
    # Both bound the counted days (read by the view), not the postings: no filtering here.
    date_from = django_filters.DateFilter(label="From", widget=AdminDateInput, method="no_filter")
    date_to = django_filters.DateFilter(label="To", widget=AdminDateInput, method="no_filter")

    class Meta:
        model = JobPostingPage
        fields = []

    def no_filter(self, queryset, name, value):
        return queryset


def date_range(data: dict | None) -> tuple[dt.date, dt.date]:
    """The days counted: the filter's, else the last DEFAULT_DAYS; at most MAX_DAYS long."""
    data = data or {}
    today = timezone.localdate()
    end = data.get("date_to") or today
    start = data.get("date_from") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        start, end = end, start
    start = max(start, end - dt.timedelta(days=MAX_DAYS - 1))
    return start, end


def chart(days: list[dict], start: dt.date, end: dt.date) -> dict:
    """Bar geometry for the template's SVG: one pair of bars (views, apply clicks) per day."""
    totals = {row["date"]: row for row in days}
    count = (end - start).days + 1
    width, height, gap = 720, 160, 2
    slot = width / count
    top = max([1, *(row["views"] for row in days), *(row["apply_clicks"] for row in days)])
    bars = []
    for n in range(count):
        day = start + dt.timedelta(days=n)
        row = totals.get(day, {"views": 0, "apply_clicks": 0})
        bar = max(slot / 2 - gap, 1)
        for offset, key in ((0, "views"), (1, "apply_clicks")):
            value = row[key] or 0
            h = round(height * value / top, 1)
            bars.append(
                {
                    "x": round(n * slot + offset * (bar + 1), 1),
                    "y": round(height - h, 1),
                    "width": round(bar, 1),
                    "height": h,
                    "kind": key,
                    "label": f"{day:%Y-%m-%d}: {value} {key.replace('_', ' ')}",
                }
            )
    return {"width": width, "height": height, "top": top, "bars": bars, "days": count}


class PostingActivityView(ReportView):
    page_title = "Posting activity"
    header_icon = "view"
    results_template_name = "cms/admin/posting_activity_results.html"
    index_url_name = URL_NAME
    index_results_url_name = f"{URL_NAME}_results"
    filterset_class = PostingActivityFilterSet
    export_filename = "posting-activity"
    permission_policy = None  # any admin user; the postings are narrowed by visible_pages
    columns = [
        TitleColumn("title", label="Posting", url_name="wagtailadmin_pages:edit"),
        Column("institution", label="Institution"),
        Column("closing_date", label="Closing date"),
        Column("views", label="Views"),
        Column("apply_clicks", label="Apply clicks"),
    ]
    list_export = ["id", "title", "institution", "closing_date", "views", "apply_clicks"]
    export_headings = {
        "id": "Page ID",
        "title": "Posting",
        "institution": "Institution",
        "closing_date": "Closing date",
        "views": "Views",
        "apply_clicks": "Apply clicks",
    }

    @property
    def counted_days(self) -> tuple[dt.date, dt.date]:
        filters = self.filters
        data = filters.form.cleaned_data if filters is not None and filters.is_valid() else None
        return date_range(data)

    def get_queryset(self):
        start, end = self.counted_days
        in_range = Q(activity__date__gte=start, activity__date__lte=end)
        zero = Value(0, output_field=IntegerField())
        return (
            visible_pages(JobPostingPage.objects.all(), self.request.user)
            .select_related("institution")
            .annotate(
                views=Coalesce(Sum("activity__views", filter=in_range), zero),
                apply_clicks=Coalesce(Sum("activity__apply_clicks", filter=in_range), zero),
            )
            .filter(Q(views__gt=0) | Q(apply_clicks__gt=0))
            .order_by("-views", "-apply_clicks", "title")
        )

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        start, end = self.counted_days
        postings = visible_pages(JobPostingPage.objects.all(), self.request.user)
        days = list(
            JobActivity.objects.filter(job__in=postings.values("pk"), date__range=(start, end))
            .values("date")
            .annotate(views=Sum("views"), apply_clicks=Sum("apply_clicks"))
            .order_by("date")
        )
        context.update(
            start=start,
            end=end,
            chart=chart(days, start, end),
            total_views=sum(row["views"] for row in days),
            total_apply_clicks=sum(row["apply_clicks"] for row in days),
        )
        return context


@hooks.register("register_admin_urls")
def register_urls():
    view = PostingActivityView.as_view()
    results = PostingActivityView.as_view(results_only=True)
    return [
        path("reports/posting-activity/", view, name=URL_NAME),
        path("reports/posting-activity/results/", results, name=f"{URL_NAME}_results"),
    ]


@hooks.register("register_reports_menu_item")
def register_menu_item():
    return MenuItem(
        "Posting activity",
        reverse(URL_NAME),
        name=MENU_NAME,
        icon_name="view",
        order=50,
    )
