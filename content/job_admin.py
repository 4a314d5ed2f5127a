"""The admin's listing of a job index: institution, role and closing date beside the title.

Wagtail 7 routes the explorer of a page to the `PageViewSet` registered for the type of its
children (a job index holds only job postings), so this one viewset gives the job index's
own listing, its search and filters, these columns."""

from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import ExplorableIndexView
from wagtail.admin.viewsets.pages import PageViewSet

from content.models import JobPostingPage


class JobListingView(ExplorableIndexView):
    def annotate_queryset(self, pages):
        # The specific rows come with their institution and role: one query for the page.
        return (
            super()
            .annotate_queryset(pages)
            .select_related("institution", "role", for_specific_subqueries=True)
        )


def _columns():
    wagtail_columns = {column.name: column for column in ExplorableIndexView.base_columns}
    return [
        wagtail_columns["bulk_actions"],
        wagtail_columns["title"],
        Column("institution", label="Institution", sort_key="institution__name"),
        Column("role", label="Role", sort_key="role__name", width="14%"),
        # The day itself: DateColumn would say "in 3 weeks".
        Column("closing_date", label="Closes", sort_key="closing_date", width="12%"),
        wagtail_columns["latest_revision_created_at"],
        wagtail_columns["status"],
    ]


class JobPostingViewSet(PageViewSet):
    model = JobPostingPage
    index_view_class = JobListingView
    columns = _columns()
