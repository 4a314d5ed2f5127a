"""Trusted documents (cms/graphql/trusted_documents.py): published from a build manifest, named
by `documentId` over GET and POST, and, with GRAPHQL_TRUSTED_DOCUMENTS = "trusted", the only
documents an anonymous client can run; through the real /graphql/ endpoint."""

import io
import json
import urllib.parse

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.graphql import request as request_module
from cms.graphql import trusted_documents
from cms.graphql.trusted_documents import document_id, publish
from cms.models import TrustedDocument
from content.employers.accounts import issue_key
from content.models import EmployerApiKey
from tests.content.factories import InstitutionFactory, JobPostingPageFactory

pytestmark = pytest.mark.django_db

JOB = "query Job($slug: String) { job(slug: $slug) { title } }"
HOSTILE = "{ " + " ".join(f"a{n}: __typename" for n in range(50)) + " }"


@pytest.fixture(autouse=True)
def fresh_process_cache():
    trusted_documents.forget_cached()
    yield
    trusted_documents.forget_cached()


@pytest.fixture
def job(job_index):
    return JobPostingPageFactory(parent=job_index, title="Trusted job", slug="trusted-job")


@pytest.fixture
def published():
    publish({document_id(JOB).removeprefix("sha256:"): JOB})
    return document_id(JOB)


def get(graphql, **params):
    if "variables" in params:
        params["variables"] = json.dumps(params["variables"])
    return graphql.http.get("/graphql/?" + urllib.parse.urlencode(params))


def post(graphql, body, **headers):
    return graphql.http.post(
        "/graphql/", data=json.dumps(body), content_type="application/json", headers=headers
    )


def codes(response) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in response.json()["errors"]]


# --- Publishing -------------------------------------------------------------------------------


def test_the_command_publishes_a_manifest_and_is_idempotent(tmp_path):
    manifest = tmp_path / "persisted-documents.json"
    other = "query Other { __typename }"
    manifest.write_text(json.dumps({document_id(JOB)[7:]: JOB, document_id(other)[7:]: other}))
    out = io.StringIO()
    call_command("publish_trusted_documents", str(manifest), stdout=out)
    assert "2 added, 0 already published" in out.getvalue()
    call_command("publish_trusted_documents", str(manifest), stdout=out)
    assert "0 added, 2 already published" in out.getvalue()
    assert set(TrustedDocument.objects.values_list("pk", flat=True)) == {
        document_id(JOB),
        document_id(other),
    }

    manifest.write_text(json.dumps({document_id(JOB)[7:]: JOB}))
    call_command("publish_trusted_documents", str(manifest), "--replace", stdout=out)
    assert "1 removed" in out.getvalue()
    assert list(TrustedDocument.objects.values_list("pk", flat=True)) == [document_id(JOB)]


@pytest.mark.parametrize(
    "manifest, message",
    [
        ({"0" * 64: JOB}, "SHA-256 is not its id"),
        ({"not-hex": JOB}, "ids are SHA-256 hex digests"),
        ({document_id("{ nope }")[7:]: "{ nope }"}, "Cannot query field"),
        ({document_id("{ (")[7:]: "{ ("}, "Syntax Error"),
        ([JOB], "non-empty JSON object"),
    ],
)
def test_a_bad_manifest_is_refused_whole_and_names_the_entry(tmp_path, manifest, message):
    good = {document_id(JOB)[7:]: JOB}
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({**good, **manifest} if isinstance(manifest, dict) else manifest))
    with pytest.raises(CommandError, match=message) as raised:
        call_command("publish_trusted_documents", str(path), stdout=io.StringIO())
    assert "Nothing was published" in str(raised.value)
    assert not TrustedDocument.objects.exists()  # the good entry was not stored either


def test_an_unreadable_manifest_is_a_clear_error(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("publish_trusted_documents", str(path))


# --- Requests by documentId ------------------------------------------------------------------


def test_a_document_named_by_id_runs_over_get_and_post(graphql, job, published):
    response = get(graphql, documentId=published, variables={"slug": "trusted-job"})
    assert response.status_code == 200, response.content
    assert response.json()["data"]["job"]["title"] == "Trusted job"
    assert "public" in response["Cache-Control"]  # a CDN may keep it

    response = post(graphql, {"documentId": published, "variables": {"slug": "trusted-job"}})
    assert response.json()["data"]["job"]["title"] == "Trusted job"


def test_the_id_is_looked_up_once_per_process(graphql, job, published):
    get(graphql, documentId=published, variables={"slug": "trusted-job"})
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            get(graphql, documentId=published, variables={"slug": "trusted-job"})
    assert not [q for q in queries if "cms_trusteddocument" in q["sql"]]


@pytest.mark.parametrize(
    "params, status, code",
    [
        ({"documentId": "sha256:" + "0" * 64}, 400, "PERSISTED_DOCUMENT_NOT_FOUND"),
        ({"documentId": "md5:abc"}, 400, "PERSISTED_DOCUMENT_NOT_FOUND"),
        ({"documentId": "sha256:" + "0" * 64, "query": JOB}, 400, None),
    ],
)
def test_unknown_or_ambiguous_ids_are_a_400(graphql, params, status, code):
    response = get(graphql, **params)
    assert response.status_code == status
    assert "data" not in response.json()
    if code:
        assert codes(response) == [code]


def test_a_malformed_id_costs_no_query(graphql, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert get(graphql, documentId="sha256:" + "x" * 5000).status_code == 400


def test_a_json_id_that_is_not_a_string_is_a_400(graphql):
    response = post(graphql, {"documentId": ["sha256:" + "0" * 64]})
    assert response.status_code == 400
    assert codes(response) == ["PERSISTED_DOCUMENT_NOT_FOUND"]


def test_a_trusted_mutation_over_get_is_still_a_405(graphql):
    mutation = 'mutation { unsubscribe(token: "x") { ok } }'
    publish({document_id(mutation)[7:]: mutation})
    assert get(graphql, documentId=document_id(mutation)).status_code == 405


# --- Trusted documents only, for anonymous clients -------------------------------------------


@pytest.fixture
def trusted_only(settings):
    settings.GRAPHQL_TRUSTED_DOCUMENTS = "trusted"


def test_anonymous_text_is_refused_before_it_is_parsed(graphql, trusted_only, monkeypatch):
    parsed = []
    prepare = request_module.prepare
    monkeypatch.setattr(request_module, "prepare", lambda *a: parsed.append(a) or prepare(*a))
    for response in (
        post(graphql, {"query": HOSTILE}),
        get(graphql, query=HOSTILE),
        graphql.http.post("/graphql/", data=HOSTILE, content_type="application/graphql"),
    ):
        assert response.status_code == 403
        assert codes(response) == ["PERSISTED_DOCUMENT_REQUIRED"]
    assert parsed == []


def test_anonymous_clients_run_trusted_documents(graphql, job, published, trusted_only):
    response = get(graphql, documentId=published, variables={"slug": "trusted-job"})
    assert response.json()["data"]["job"]["title"] == "Trusted job"


def test_variables_of_a_trusted_document_are_still_checked(graphql, published, trusted_only):
    deep = {"slug": "x"}
    for _ in range(20):
        deep = {"slug": [deep]}
    response = get(graphql, documentId=published, variables=deep)
    assert response.status_code == 400


def test_an_editors_session_may_send_any_document(graphql, job, trusted_only):
    editor = User.objects.create_superuser("editor", "editor@example.com", "pw")
    graphql.http.force_login(editor)
    response = post(graphql, {"query": JOB, "variables": {"slug": "trusted-job"}})
    assert response.json()["data"]["job"]["title"] == "Trusted job"


def test_an_employer_key_may_send_any_document_and_a_wrong_key_may_not(graphql, trusted_only):
    record = EmployerApiKey(institution=InstitutionFactory(), name="HR system")
    key = issue_key(record)
    record.save()
    ok = post(graphql, {"query": "{ __typename }"}, authorization=f"Bearer {key}")
    assert ok.status_code == 200, ok.content
    refused = post(graphql, {"query": "{ __typename }"}, authorization=f"Bearer {key}x")
    assert refused.status_code == 403


def test_the_frontends_manifest_publishes(tmp_path):
    """Every document the reference frontend's build sends validates against the schema."""
    import dev

    manifest = dev.FRONTEND / "src" / "gql" / "persisted-documents.json"
    if not manifest.exists():
        from tests.e2e.test_frontend_codegen import codegen

        dev.ensure_frontend()
        assert codegen().returncode == 0
    documents = json.loads(manifest.read_text())
    assert len(documents) >= 10
    result = publish(documents)
    assert result.added == len(documents)
