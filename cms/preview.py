"""The admin's preview when no frontend is configured: the draft's fields and its JSON-LD,
read through the same preview token a frontend would send to `job(token:)` and friends."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from wagtail.admin.auth import require_admin_access
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.rich_text import RichText

from content import jsonld
from content.visibility import preview_page

# The GraphQL field that reads each page type's draft by token; None: the API has none for
# it (the preview shows the draft's fields only). Every page type has an entry
# (tests/cms/test_registries.py).
TOKEN_QUERIES = {
    "content.homepage": None,
    "content.guideindexpage": None,
    "content.guidepage": "guide",
    "content.glossaryindexpage": None,
    "content.definitionpage": "definition",
    "content.jobindexpage": None,
    "content.jobpostingpage": "job",
}


def _display(page, field) -> object:
    value = getattr(page, field.name)
    if isinstance(field, models.ManyToManyField):
        return ", ".join(str(item) for item in value.all()) or "—"
    if isinstance(field, RichTextField):
        return RichText(value) if value else "—"  # renders as the expanded, safe HTML
    if isinstance(field, StreamField):
        return json.dumps(value.get_prep_value(), indent=2, cls=DjangoJSONEncoder)
    if field.choices:
        return getattr(page, f"get_{field.name}_display")() or "—"
    return "—" if value in (None, "") else value


def draft_fields(page) -> list[tuple[str, object, bool]]:
    """(label, value, is_code) for the page type's own fields, in model order."""
    own = [
        field
        for field in page._meta.get_fields()
        if field.concrete
        and field.model is not Page
        and not field.auto_created
        and not field.name.endswith("_ptr")
    ]
    rows = [("Title", page.title, False), ("Slug", page.slug or "—", False)]
    rows += [
        (
            str(field.verbose_name).capitalize(),
            _display(page, field),
            isinstance(field, StreamField),
        )
        for field in own
    ]
    for label, moment in (("Go live at", page.go_live_at), ("Expire at", page.expire_at)):
        if moment:
            rows.append((label, moment, False))
    return rows


@xframe_options_sameorigin  # shown in an iframe inside the admin's preview panel
@require_admin_access
def admin_preview(request):
    token = request.GET.get("token", "")
    page = preview_page(Page, token)
    if page is None:
        raise Http404("This preview has expired; press Preview again.")
    json_ld = jsonld.for_page(page)
    content_type = request.GET.get("content_type", "")
    return render(
        request,
        "cms/preview.html",
        {
            "page": page,
            "page_type": page._meta.verbose_name,
            "fields": draft_fields(page),
            "json_ld": json.dumps(json_ld, indent=2, cls=DjangoJSONEncoder) if json_ld else "",
            "token": token,
            "token_query": TOKEN_QUERIES.get(content_type),
            "frontend_configured": bool(settings.FRONTEND_BASE_URL),
        },
    )
