"""Taxonomy snippets, employers' job feeds and the glossary-term chooser in the admin."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from content.choosers import definition_chooser_viewset
from content.imports.feed_admin import JobFeedsGroup
from content.job_admin import JobPostingViewSet
from content.models import Discipline, Institution, Role


class DisciplineViewSet(SnippetViewSet):
    model = Discipline
    icon = "folder-open-inverse"
    list_display = ["name", "slug", "parent"]
    list_filter = ["parent"]
    search_fields = ["name", "slug"]
    ordering = ["name"]


class RoleViewSet(SnippetViewSet):
    model = Role
    icon = "user"
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


class InstitutionFilterSet(WagtailFilterSet):
    class Meta:
        model = Institution
        fields = ["kind", "country"]


class InstitutionViewSet(SnippetViewSet):
    model = Institution
    icon = "site"
    list_display = ["name", "city", "country", "kind"]
    filterset_class = InstitutionFilterSet
    search_fields = ["name", "city", "slug"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = "Taxonomy"
    menu_icon = "tag"
    menu_order = 300
    items = (DisciplineViewSet, RoleViewSet, InstitutionViewSet)


register_snippet(TaxonomyGroup)


@hooks.register("register_admin_viewset")
def register_job_feed_viewsets():
    return JobFeedsGroup()


@hooks.register("register_admin_viewset")
def register_job_listing():
    return JobPostingViewSet()


@hooks.register("register_admin_viewset")
def register_definition_chooser():
    return definition_chooser_viewset


@hooks.register("insert_editor_js")
def submit_after_the_autosave_in_flight():
    # A page form submitted while its autosave creates the page would create it twice.
    return format_html(
        '<script src="{}"></script>', static("content/admin/autosave-then-submit.js")
    )
