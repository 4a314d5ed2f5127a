"""The glossary-term chooser: editors find a term by its name, abbreviation or any alias, and
see the term (not just the page title) once it is chosen, in the form and in list rows."""

from django import forms
from django.db.models import Q, QuerySet
from django.http import Http404
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets import BaseChooser
from wagtail.models import Page


def term_label(definition) -> str:
    """ "Doctor of Philosophy (PhD)": how a chosen term is named in the editor."""
    if definition.abbreviation:
        return f"{definition.term} ({definition.abbreviation})"
    return definition.term


def matching_terms(definitions: QuerySet, query: str) -> QuerySet:
    """Terms whose name, title or aliases contain the query, or whose abbreviation is it. A plain
    database filter, so it matches parts of words and needs no search index."""
    query = query.strip()
    if not query:
        return definitions
    return definitions.filter(
        Q(term__icontains=query)
        | Q(title__icontains=query)
        | Q(alternative_names__icontains=query)
        | Q(abbreviation__iexact=query)
    )


class TermSearchForm(BaseFilterForm):
    q = forms.CharField(
        label="Search term",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Term, abbreviation or alias"}),
    )

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching, self.search_query = True, query
            objects = matching_terms(objects, query)
        return objects


def chooser_pages(objects: QuerySet, request) -> QuerySet:
    """Terms are pages: whatever the page chooser hides from a user, this chooser hides
    too. Those hooks are written for Page querysets, so they filter one of those."""
    pages = Page.objects.all()
    for hook in hooks.get_hooks("construct_page_chooser_queryset"):
        pages = hook(pages, request)
    return objects.filter(pk__in=pages.values("pk"))


class TermListingMixin:
    filter_form_class = TermSearchForm
    ordering = ["term", "pk"]

    def filter_object_list(self, objects):
        return super().filter_object_list(chooser_pages(objects, self.request))

    def can_create(self):
        return False  # terms are pages: written in the page tree, under the glossary

    @property
    def columns(self):
        title, *others = super().columns
        title.accessor, title.label = term_label, "Term"
        return [
            title,
            Column("alternative_names", label="Aliases"),
            Column("status_string", label="Status"),
            *others,
        ]


class TermChooseView(TermListingMixin, ChooseView):
    pass


class TermChooseResultsView(TermListingMixin, ChooseResultsView):
    pass


class TermChosenView(ChosenView):
    def get_object(self, pk):
        try:
            return chooser_pages(self.model_class.objects.filter(pk=pk), self.request).get()
        except (ValueError, OverflowError, self.model_class.DoesNotExist):
            raise Http404("No such term.") from None

    def get_display_title(self, instance):
        return term_label(instance)


class TermChooserWidget(BaseChooser):
    def get_display_title(self, instance):
        return term_label(instance)


class DefinitionChooserViewSet(ChooserViewSet):
    model = "content.DefinitionPage"
    icon = "openquote"
    choose_one_text = "Choose a glossary term"
    choose_another_text = "Choose another term"
    edit_item_text = "Edit this term"
    choose_view_class = TermChooseView
    choose_results_view_class = TermChooseResultsView
    chosen_view_class = TermChosenView
    base_widget_class = TermChooserWidget
    # Page foreign keys keep Wagtail's page chooser; this one is for StreamField blocks.
    register_widget = False


definition_chooser_viewset = DefinitionChooserViewSet(
    "definition_chooser", url_prefix="glossary/term-chooser"
)

DefinitionChooserBlock = definition_chooser_viewset.get_block_class(
    name="DefinitionChooserBlock", module_path="content.choosers"
)
