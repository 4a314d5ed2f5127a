"""Admin form widgets: disciplines picked from their tree instead of a Ctrl-click select, and
titles that show whole."""

from collections.abc import Iterable

from django import forms
from wagtail.admin.widgets import AdminAutoHeightTextInput

from content.discipline_tree import DisciplineTree


def tree_order(disciplines: Iterable) -> list[tuple[object, int]]:
    """(discipline, depth) pairs, depth first: each parent followed by its children, siblings in
    the order given. A discipline whose parent is not among them is shown at the top level."""
    by_pk = {discipline.pk: discipline for discipline in disciplines}
    tree = DisciplineTree((pk, discipline.parent_id) for pk, discipline in by_pk.items())
    return [(by_pk[pk], depth) for pk, depth in tree.depth_first()]


class DisciplineTreeMixin:
    """Options of a model choice field over disciplines, rendered as an indented tree with each
    discipline's own name (its parent is the line above). The disciplines are read in one query
    from the field's queryset, not through its labels, which name the parent (a query each)."""

    template_name = "content/widgets/discipline_tree.html"

    class Media:
        css = {"all": ["content/admin/discipline-tree.css"]}

    def optgroups(self, name, value, attrs=None):
        selected = {str(v) for v in value if v not in (None, "")}
        options = []
        if not self.allow_multiple_selected and not self.is_required:
            options.append(self.create_option(name, "", "None", not selected, 0, attrs=attrs))
        for discipline, depth in tree_order(self.choices.queryset):
            option = self.create_option(
                name,
                discipline.pk,
                discipline.name,
                str(discipline.pk) in selected,
                len(options),
                attrs=attrs,
            )
            option["depth"] = depth
            options.append(option)
        return [(None, [option], option["index"]) for option in options]


class DisciplineTreeCheckboxes(DisciplineTreeMixin, forms.CheckboxSelectMultiple):
    """Any number of disciplines (job postings, glossary terms)."""


class DisciplineTreeRadios(DisciplineTreeMixin, forms.RadioSelect):
    """One discipline or none (a guide)."""


class SingleLineTitleInput(AdminAutoHeightTextInput):
    """A title that wraps onto as many lines as it needs, so a long one is seen whole, yet is
    still typed as one line: Enter adds no line break (the single-line rule of
    content.validators still refuses a pasted one on save)."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "data-controller": "w-autosize w-action",
                "data-action": "keydown.enter->w-action#noop:prevent",
                **(attrs or {}),
            }
        )
