"""The CMS's own public addresses (cms/headless.py): page URLs answer alike whatever the page,
the document password form is throttled, and rich text never carries an unsafe link."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from cms.headless import PASSWORD_ATTEMPTS_PER_CLIENT
from cms.rich_text import public_html, safe_href
from tests.content.factories import JobPostingPageFactory

FRONTEND = "https://jobs.example.org"


@pytest.fixture
def pages(job_index):
    live = JobPostingPageFactory(parent=job_index, title="Live job")
    draft = JobPostingPageFactory(parent=job_index, title="Draft job", live=False)
    closed = JobPostingPageFactory(
        parent=job_index, closing_date=timezone.localdate() - dt.timedelta(days=3)
    )
    restricted = JobPostingPageFactory(parent=job_index)
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    login_only = JobPostingPageFactory(parent=job_index)
    PageViewRestriction.objects.create(page=login_only, restriction_type="login")
    return [live, draft, closed, restricted, login_only]


def test_every_page_address_redirects_to_the_frontend_alike(pages, settings):
    settings.FRONTEND_BASE_URL = FRONTEND
    client = Client()
    for page in pages:
        path = page.url_path.removeprefix("/home")
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{FRONTEND}{path}"
        assert not response.content
    # A page that never existed gets the very same answer.
    assert client.get("/jobs/no-such-job/")["Location"] == f"{FRONTEND}/jobs/no-such-job/"


def test_without_a_frontend_every_page_address_is_a_404(pages, settings):
    settings.FRONTEND_BASE_URL = ""
    bodies = set()
    for page in pages:
        response = Client().get(page.url_path.removeprefix("/home"))
        assert response.status_code == 404
        bodies.add(response.content)
    assert len(bodies) == 1


def test_no_page_password_form_is_routed(pages, settings):
    restricted = pages[3]
    restriction = PageViewRestriction.objects.get(page=restricted)
    response = Client().post(
        f"/_util/authenticate_with_password/{restriction.pk}/{restricted.pk}/",
        {"password": "secret", "return_url": "/"},
    )
    assert response.status_code in (302, 404)
    assert "sessionid" not in response.cookies


@pytest.fixture
def password_restriction(db):
    collection = Collection.get_first_root_node().add_child(name="Board papers")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="correct horse",
    )
    return restriction


def test_document_password_guesses_are_throttled(password_restriction):
    client = Client()
    url = f"/documents/authenticate_with_password/{password_restriction.pk}/"
    for _ in range(PASSWORD_ATTEMPTS_PER_CLIENT):
        response = client.post(url, {"password": "guess", "return_url": "/documents/"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(url, {"password": "correct horse", "return_url": "/documents/"})
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    # Another client is still let in with the right password.
    other = Client(REMOTE_ADDR="192.0.2.7")
    response = other.post(url, {"password": "correct horse", "return_url": "/documents/"})
    assert response.status_code == 302


def test_a_private_document_is_served_only_after_the_check(password_restriction, tmp_path):
    from django.core.files.base import ContentFile

    document = get_document_model().objects.create(
        title="Minutes",
        file=ContentFile(b"confidential", name="minutes.txt"),
        collection=password_restriction.collection,
    )
    response = Client().get(document.url)
    assert response.status_code == 200
    assert b"confidential" not in b"".join(getattr(response, "streaming_content", [])) + (
        response.content if not response.streaming else b""
    )


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
    ],
)
def test_unsafe_links_lose_their_href_even_when_stored(href):
    assert not safe_href(href)
    stored = href.replace("<", "&lt;").replace(">", "&gt;")
    html = public_html(f'<p><a href="{stored}">Click</a></p>')
    assert html == "<p><a>Click</a></p>"


@pytest.mark.parametrize(
    "href",
    ["https://example.org/a?b=1", "http://x.y", "mailto:a@b.org", "tel:+441234", "/jobs/", "#top"],
)
def test_safe_links_keep_their_href(href):
    assert public_html(f'<a href="{href}" onclick="x()">Go</a>') == f'<a href="{href}">Go</a>'


def test_the_api_sends_no_javascript_link(job_index, graphql):
    job = JobPostingPageFactory(
        parent=job_index,
        description='<p><a href="javascript:alert(document.cookie)">Apply</a></p>',
    )
    query = "query($slug: String!) { job(slug: $slug) { description } }"
    data = graphql.execute(query, {"slug": job.slug})
    assert data["job"]["description"] == "<p><a>Apply</a></p>"
