"""Headless preview: the admin's Preview issues a token that `job(token:)`, `guide(token:)`
and `definition(token:)` read, for never-published pages too; without a frontend the
preview shows the draft's fields and JSON-LD."""

import datetime as dt
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from tests.content.factories import (
    DefinitionPageFactory,
    GuidePageFactory,
    JobPostingPageFactory,
    RoleFactory,
)

IFRAME = re.compile(r'<iframe src="([^"]+)"')


@pytest.fixture
def admin(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "pw"))
    return client


def press_preview(client, preview_url, form_url, changes) -> str:
    """Fill the form, press Preview; return the URL the admin's preview iframe opens."""
    data = querydict_from_html(client.get(form_url).content.decode(), form_id="page-edit-form")
    data.update(changes)
    answer = client.post(preview_url, data).json()
    assert answer["is_valid"], answer
    shown = client.get(preview_url)
    assert shown.status_code == 200
    return unescape(IFRAME.search(shown.content.decode()).group(1))


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def test_preview_of_a_job_never_saved(admin, job_index, graphql):
    role = RoleFactory()
    institution = JobPostingPageFactory.institution.get_factory()()
    args = ["content", "jobpostingpage", job_index.pk]
    url = press_preview(
        admin,
        reverse("wagtailadmin_pages:preview_on_add", args=args),
        reverse("wagtailadmin_pages:add", args=args),
        {
            "title": "Draft postdoc in tectonics",
            "slug": "draft-postdoc-in-tectonics",
            "institution": str(institution.pk),
            "role": str(role.pk),
            "closing_date": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
            "application_url": "https://apply.example.org/t",
            "description": rich_text("<p>Plates move.</p>"),
        },
    )
    # No frontend configured: the preview opens the CMS's own page, on the same host.
    assert url.startswith("/preview/?content_type=content.jobpostingpage&token=")
    data = graphql.execute(
        "query($t: String) { job(token: $t) { title reference institution { name } } }",
        {"t": token_of(url)},
    )
    assert data["job"]["title"] == "Draft postdoc in tectonics"
    assert data["job"]["institution"]["name"] == institution.name

    page = admin.get(url)
    assert page.status_code == 200
    assert page["X-Frame-Options"] == "SAMEORIGIN"  # it lives in the preview panel's iframe
    html = page.content.decode()
    assert "Draft postdoc in tectonics" in html and "Plates move." in html
    assert "&quot;@type&quot;: &quot;JobPosting&quot;" in html  # the JSON-LD, escaped
    assert "job(token:" in html


@pytest.mark.parametrize(
    ("factory", "field", "index_fixture"),
    [
        (JobPostingPageFactory, "job", "job_index"),
        (GuidePageFactory, "guide", "guide_index"),
        (DefinitionPageFactory, "definition", "glossary_index"),
    ],
)
def test_preview_of_a_never_published_draft(admin, graphql, request, factory, field, index_fixture):
    parent = request.getfixturevalue(index_fixture)
    draft = factory(parent=parent, live=False, title="Secret draft")
    draft.save_revision()
    # The body's form fields are built by the admin's JavaScript; post them as it would.
    body = nested_form_data({"body": streamfield([("paragraph", rich_text("<p>Body.</p>"))])})
    url = press_preview(
        admin,
        reverse("wagtailadmin_pages:preview_on_edit", args=[draft.pk]),
        reverse("wagtailadmin_pages:edit", args=[draft.pk]),
        {"title": "Secret draft, edited", **(body if field != "job" else {})},
    )
    query = f"query($t: String) {{ {field}(token: $t) {{ title }} }}"
    assert graphql.execute(query, {"t": token_of(url)})[field] == {"title": "Secret draft, edited"}
    # Without the token the draft stays invisible.
    assert graphql.execute(f"{{ {field}(id: {draft.pk}) {{ title }} }}")[field] is None
    html = admin.get(url).content.decode()
    assert "Secret draft, edited" in html and "JSON-LD" in html


def test_preview_page_needs_an_admin_login_and_a_valid_token(admin, job_index):
    draft = JobPostingPageFactory(parent=job_index, live=False)
    token = draft.create_page_preview().token
    url = f"{reverse('admin_preview')}?content_type=content.jobpostingpage&token={token}"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous.url
    assert admin.get(url).status_code == 200
    assert admin.get(url.replace(token, token[:-2] + "xx")).status_code == 404


def test_frontend_url_is_used_when_configured(admin, job_index, settings):
    from wagtail_headless_preview.settings import headless_preview_settings

    settings.WAGTAIL_HEADLESS_PREVIEW = {
        **settings.WAGTAIL_HEADLESS_PREVIEW,
        "CLIENT_URLS": {"default": "https://jobs.example.org/api/preview"},
    }
    assert headless_preview_settings.CLIENT_URLS["default"].startswith("https://jobs.example")
    draft = JobPostingPageFactory(parent=job_index, live=False)
    draft.save_revision()
    url = press_preview(
        admin,
        reverse("wagtailadmin_pages:preview_on_edit", args=[draft.pk]),
        reverse("wagtailadmin_pages:edit", args=[draft.pk]),
        {},
    )
    assert url.startswith("https://jobs.example.org/api/preview/?content_type=content.jobpost")
