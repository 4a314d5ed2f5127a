"""`jsonLd` is safe to embed as is, built from public content, and points at public URLs."""

import json

import pytest
import wagtail_factories
from wagtail.models import Collection, CollectionViewRestriction

from tests.content.factories import GuidePageFactory, InstitutionFactory, JobPostingPageFactory

pytestmark = pytest.mark.django_db

HOSTILE = "Post</script><script>alert(1)</script> & <b>"


def test_json_ld_cannot_break_out_of_a_script_element(graphql, job_index):
    # Titles are single-line (U+2028 is refused there); a description may hold anything.
    job = JobPostingPageFactory(
        parent=job_index, title=HOSTILE, description="<p>a\u2028b\u2029c</script></p>"
    )
    raw = graphql.execute(f"{{ job(id: {job.pk}) {{ jsonLd }} }}")["job"]["jsonLd"]
    for character in "<>&\u2028\u2029":
        assert character not in raw
    data = json.loads(raw)
    assert data["title"] == HOSTILE
    assert "\u2028" in data["description"] and "</script>" in data["description"]


def test_json_ld_leaves_out_a_logo_in_a_private_collection(graphql, job_index):
    private = Collection.get_first_root_node().add_child(name="Private")
    CollectionViewRestriction.objects.create(collection=private, restriction_type="login")
    hidden = InstitutionFactory(logo=wagtail_factories.ImageFactory(collection=private))
    shown = InstitutionFactory(logo=wagtail_factories.ImageFactory())
    hidden_job = JobPostingPageFactory(parent=job_index, institution=hidden)
    shown_job = JobPostingPageFactory(parent=job_index, institution=shown)
    query = "query($id: ID) { job(id: $id) { jsonLd institution { logo { url } } } }"
    hidden_data = graphql.execute(query, {"id": hidden_job.pk})["job"]
    shown_data = graphql.execute(query, {"id": shown_job.pk})["job"]
    assert hidden_data["institution"]["logo"] is None
    assert "logo" not in json.loads(hidden_data["jsonLd"])["hiringOrganization"]
    logo = json.loads(shown_data["jsonLd"])["hiringOrganization"]["logo"]
    assert logo.startswith("http://") and logo.endswith(shown_data["institution"]["logo"]["url"])


def test_urls_are_the_public_addresses(graphql, job_index, guide_index, settings):
    settings.FRONTEND_BASE_URL = "https://jobs.example.org"
    job = JobPostingPageFactory(parent=job_index, title="Optics")
    data = graphql.execute(f"{{ job(id: {job.pk}) {{ url jsonLd }} }}")["job"]
    assert data["url"] == f"https://jobs.example.org/jobs/{job.slug}/"
    assert json.loads(data["jsonLd"])["url"] == data["url"]


def test_guides_article_has_author_image_and_publisher_logo(graphql, guide_index):
    image = wagtail_factories.ImageFactory()
    guide = GuidePageFactory(parent=guide_index)
    guide.body = json.dumps([{"type": "image", "value": {"image": image.pk, "alt_text": "x"}}])
    guide.save()
    article = json.loads(
        graphql.execute(f"{{ guide(id: {guide.pk}) {{ jsonLd }} }}")["guide"]["jsonLd"]
    )
    assert article["author"]["@type"] == "Organization"
    assert article["image"].endswith(image.file.url)
    assert article["publisher"]["logo"]["url"].endswith("/static/content/logo.png")
