"""The reference frontend served by a CMS that runs trusted documents only for anonymous
clients (GRAPHQL_TRUSTED_DOCUMENTS = "trusted"): every page works from its build's published
manifest, and a hostile document sent anonymously is refused before it is parsed."""

import io
import json

import pytest
import requests
from django.core.management import call_command

import dev
from cms.graphql import trusted_documents

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GUIDE = "phd-jobs-in-machine-learning"


@pytest.fixture
def trusted_cms(transactional_db, settings):
    call_command("seed_demo", "--jobs", "20", stdout=io.StringIO())
    manifest = dev.FRONTEND / "src" / "gql" / "persisted-documents.json"
    call_command("publish_trusted_documents", str(manifest), stdout=io.StringIO())
    settings.GRAPHQL_TRUSTED_DOCUMENTS = "trusted"
    settings.GRAPHQL_CACHE_SECONDS = 0
    yield
    trusted_documents.forget_cached()


def test_every_page_works_on_trusted_documents_alone(frontend, trusted_cms, live_server):
    from content.models import JobPostingPage

    job = JobPostingPage.objects.live().first()
    for path, text in [
        ("/", "Jobs"),
        ("/jobs/", job.title),
        (f"/jobs/?q={job.title.split()[0]}", "result"),
        (f"/jobs/{job.slug}/", job.title),
        (f"/guides/{GUIDE}/", "Machine Learning"),
        ("/glossary/", "Glossary"),
        ("/post-a-job/", "post"),
    ]:
        response = requests.get(frontend + path, timeout=60)
        assert response.status_code == 200, (path, response.status_code)
        assert text.lower() in response.text.lower(), path

    hostile = "{ " + " ".join(f"a{n}: __typename" for n in range(200)) + " }"
    refused = requests.post(f"{live_server.url}/graphql/", json={"query": hostile}, timeout=30)
    assert refused.status_code == 403
    assert json.loads(refused.text)["errors"][0]["extensions"]["code"] == (
        "PERSISTED_DOCUMENT_REQUIRED"
    )
