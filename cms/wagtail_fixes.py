"""Wagtail admin views that answer 500 to malformed input, mirrored here with the fix and
mounted ahead of Wagtail's own URL (config/urls.py). Remove each when Wagtail fixes it.

- The external-link chooser's POST without its `url` field: Wagtail's URL-or-path field
  calls `None.startswith` (a 500 for every admin user). A missing URL is an empty one,
  which the form refuses as required.
"""

from django.urls import path
from wagtail.admin.forms.choosers import ExternalLinkChooserForm, URLOrAbsolutePathField
from wagtail.admin.views.chooser import ExternalLinkView


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
