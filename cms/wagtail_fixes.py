"""Wagtail admin views that answer 500 to malformed input, mirrored here with the fix and
mounted ahead of Wagtail's own URL (config/urls.py). Remove each when Wagtail fixes it.

- The external-link chooser's POST without its `url` field: Wagtail's URL-or-path field
  calls `None.startswith` (a 500 for every admin user). A missing URL is an empty one,
  which the form refuses as required.
- The link choosers (external, email, phone, anchor) reverse a URL with `?parent_page_id=`
  as given, and the multiple page chooser looks up `?id=` as given: a 500 unless the id is
  written as Django writes one. Anything else is a 404 here. The multiple page chooser
  also names only pages the page chooser's hooks allow (institution accounts: their own).
- Every chooser's "chosen" view (images, documents, snippets, glossary terms) takes its id
  as `<str:pk>` and looks it up as is: "2.0", "all" or an id beyond the database's integer
  range is a ValueError or OverflowError, a 500. Wrapped here once so it is a 404 (this
  module is loaded with the URLconf, before any view runs).
"""

from django.http import Http404
from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail import hooks
from wagtail.admin.auth import require_admin_access
from wagtail.admin.forms.choosers import ExternalLinkChooserForm, URLOrAbsolutePathField
from wagtail.admin.views import chooser
from wagtail.admin.views.generic.chooser import ChosenViewMixin
from wagtail.models import Page
from wagtail.utils.urlpatterns import decorate_urlpatterns

from cms.employer_access import page_id


class MissingIsEmptyURLField(URLOrAbsolutePathField):
    def to_python(self, value):
        return super().to_python(value or "")


class ExternalLinkForm(ExternalLinkChooserForm):
    url = MissingIsEmptyURLField(
        required=True, label=ExternalLinkChooserForm.base_fields["url"].label
    )


def page_ids_as_django_writes_them(view, parameters):
    """The link choosers put `?parent_page_id=` back into a URL they reverse (a 500 unless
    it is a page id written as Django writes one), and the multiple page chooser looks up
    `?id=` as given (a 500 for "5.0"): anything else is a 404."""

    def wrapped(request, *args, **kwargs):
        for value in (v for name in parameters for v in request.GET.getlist(name)):
            if not value.isascii() or not value.isdigit() or str(page_id(value)) != value:
                raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped


def choosable_pages_only(view):
    """The multiple page chooser answers with the titles of the pages `?id=` names, without
    Wagtail's chooser hooks: here they apply (construct_page_chooser_queryset), so it names
    only pages the page chooser would offer the user; any other is a 404."""

    def wrapped(request, *args, **kwargs):
        ids = {int(value) for value in request.GET.getlist("id")}  # well-formed by now
        pages = Page.objects.filter(pk__in=ids)
        for hook in hooks.get_hooks("construct_page_chooser_queryset"):
            pages = hook(pages, request)
        if pages.count() < len(ids):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped


def _link_chooser(route, view_class, name, **initkwargs):
    view = page_ids_as_django_writes_them(view_class.as_view(**initkwargs), ["parent_page_id"])
    return path(route, view, name=name)  # Wagtail's name: the same URL either way


urlpatterns = [
    _link_chooser(
        "choose-external-link/",
        chooser.ExternalLinkView,
        "wagtailadmin_choose_page_external_link",
        form_class=ExternalLinkForm,
    ),
    _link_chooser(
        "choose-email-link/", chooser.EmailLinkView, "wagtailadmin_choose_page_email_link"
    ),
    _link_chooser(
        "choose-phone-link/", chooser.PhoneLinkView, "wagtailadmin_choose_page_phone_link"
    ),
    _link_chooser(
        "choose-anchor-link/", chooser.AnchorLinkView, "wagtailadmin_choose_page_anchor_link"
    ),
    path(
        "choose-page/chosen-multiple/",
        page_ids_as_django_writes_them(
            choosable_pages_only(chooser.ChosenMultipleView.as_view()), ["id"]
        ),
        name="wagtailadmin_choose_page_chosen_multiple",
    ),
]
# As Wagtail's own admin URLs are: for admin users only, never cached.
urlpatterns = decorate_urlpatterns(urlpatterns, require_admin_access)
urlpatterns = decorate_urlpatterns(urlpatterns, never_cache)


def _malformed_id_is_a_404(get_object):
    def wrapped(self, pk):
        try:
            return get_object(self, pk)
        except (ValueError, OverflowError) as err:
            raise Http404("No such item.") from err

    return wrapped


ChosenViewMixin.get_object = _malformed_id_is_a_404(ChosenViewMixin.get_object)
