"""Wagtail admin views that answer 500 to malformed input, mirrored here with the fix and
mounted ahead of Wagtail's own URL (config/urls.py). Remove each when Wagtail fixes it.

- The external-link chooser's POST without its `url` field: Wagtail's URL-or-path field
  calls `None.startswith` (a 500 for every admin user). A missing URL is an empty one,
  which the form refuses as required.
- Every chooser's "chosen" view (images, documents, snippets, glossary terms) takes its id
  as `<str:pk>` and looks it up as is: "2.0", "all" or an id beyond the database's integer
  range is a ValueError or OverflowError, a 500. Wrapped here once so it is a 404 (this
  module is loaded with the URLconf, before any view runs).
"""

from django.http import Http404
from django.urls import path
from wagtail.admin.forms.choosers import ExternalLinkChooserForm, URLOrAbsolutePathField
from wagtail.admin.views.chooser import ExternalLinkView
from wagtail.admin.views.generic.chooser import ChosenViewMixin


class MissingIsEmptyURLField(URLOrAbsolutePathField):
    def to_python(self, value):
        return super().to_python(value or "")


class ExternalLinkForm(ExternalLinkChooserForm):
    url = MissingIsEmptyURLField(
        required=True, label=ExternalLinkChooserForm.base_fields["url"].label
    )


urlpatterns = [
    path(
        "choose-external-link/",
        ExternalLinkView.as_view(form_class=ExternalLinkForm),
        name="wagtailadmin_choose_page_external_link",  # Wagtail's name: same URL either way
    ),
]


def _malformed_id_is_a_404(get_object):
    def wrapped(self, pk):
        try:
            return get_object(self, pk)
        except (ValueError, OverflowError) as err:
            raise Http404("No such item.") from err

    return wrapped


ChosenViewMixin.get_object = _malformed_id_is_a_404(ChosenViewMixin.get_object)
