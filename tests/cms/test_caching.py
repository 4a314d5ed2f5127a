"""The shared GraphQL response cache, through the real /graphql/ endpoint."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from tests.content.factories import InstitutionFactory, JobPostingPageFactory

JOBS = """
query Jobs($countries: [String!]) {
  jobs(countries: $countries) { items { title institution { name } } pagination { total } }
}
"""


@pytest.fixture(autouse=True)
def cache_settings(settings):
    settings.GRAPHQL_CACHE_SECONDS = 300
    settings.GRAPHQL_CACHE_MAX_AGE = 60


@pytest.fixture
def job(job_index):
    return JobPostingPageFactory(parent=job_index, title="Postdoc in optics")


def titles(response) -> list[str]:
    return [item["title"] for item in response.json()["data"]["jobs"]["items"]]


def test_repeat_is_a_hit_without_sql(graphql, job, django_assert_num_queries):
    first = graphql.post(JOBS)
    assert first.status_code == 200
    assert first["X-Cache"] == "MISS"
    assert titles(first) == ["Postdoc in optics"]
    with django_assert_num_queries(0):
        second = graphql.post(JOBS)
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"]
    assert "max-age=60" in second["Cache-Control"]


def test_key_ignores_layout_but_not_variables(graphql, job):
    graphql.post(JOBS, {"countries": ["GB"]})
    relaid = "# a comment\nquery Jobs($countries:[String!]){jobs(countries:$countries)" + (
        "{items{title institution{name}}pagination{total}}}"
    )
    assert graphql.post(relaid, {"countries": ["GB"]})["X-Cache"] == "HIT"
    other = graphql.post(JOBS, {"countries": ["FR"]})
    assert other["X-Cache"] == "MISS"
    assert titles(other) == []


def test_get_requests_are_cached_too(graphql, job):
    params = {"query": JOBS, "variables": json.dumps({"countries": ["GB"]})}
    assert graphql.http.get("/graphql/", params)["X-Cache"] == "MISS"
    hit = graphql.http.get("/graphql/", params)
    assert hit["X-Cache"] == "HIT"
    assert titles(hit) == ["Postdoc in optics"]


def test_publishing_and_unpublishing_invalidate(graphql, job, job_index):
    assert graphql.post(JOBS)["X-Cache"] == "MISS"
    draft = JobPostingPageFactory(parent=job_index, title="Lecturer in law", live=False)
    # Saving a draft bumps the generation too; what matters is that nothing unpublished shows.
    assert titles(graphql.post(JOBS)) == ["Postdoc in optics"]
    assert graphql.post(JOBS)["X-Cache"] == "HIT"

    draft.save_revision().publish()
    published = graphql.post(JOBS)
    assert published["X-Cache"] == "MISS"
    assert sorted(titles(published)) == ["Lecturer in law", "Postdoc in optics"]
    assert graphql.post(JOBS)["X-Cache"] == "HIT"

    draft.refresh_from_db()
    draft.unpublish()
    unpublished = graphql.post(JOBS)
    assert unpublished["X-Cache"] == "MISS"
    assert titles(unpublished) == ["Postdoc in optics"]


def test_editing_a_snippet_invalidates(graphql, job):
    before = graphql.post(JOBS).json()["data"]["jobs"]["items"][0]["institution"]["name"]
    institution = InstitutionFactory._meta.model.objects.get(name=before)
    institution.name = "Renamed Institute"
    institution.save()
    after = graphql.post(JOBS)
    assert after["X-Cache"] == "MISS"
    assert after.json()["data"]["jobs"]["items"][0]["institution"]["name"] == "Renamed Institute"


def test_deleting_a_page_invalidates(graphql, job):
    assert titles(graphql.post(JOBS)) == ["Postdoc in optics"]
    job.delete()
    after = graphql.post(JOBS)
    assert after["X-Cache"] == "MISS"
    assert titles(after) == []


@pytest.mark.parametrize("scheduler", ["wagtail", "batched"])
def test_the_scheduler_expiring_a_page_invalidates(graphql, job, scheduler):
    from notifications.tasks import publish_scheduled

    assert titles(graphql.post(JOBS)) == ["Postdoc in optics"]
    # The expiry moment passes without any signal: until the scheduler runs, the cached
    # answer stands (at most GRAPHQL_CACHE_SECONDS).
    type(job).objects.filter(pk=job.pk).update(expire_at=timezone.now() - dt.timedelta(minutes=1))
    assert graphql.post(JOBS)["X-Cache"] == "HIT"
    # Wagtail's command one page at a time, or the scheduler task's batches.
    call_command("publish_scheduled") if scheduler == "wagtail" else publish_scheduled()
    assert not type(job).objects.get(pk=job.pk).live
    after = graphql.post(JOBS)
    assert after["X-Cache"] == "MISS"
    assert titles(after) == []


def get(graphql, query, **headers):
    return graphql.http.get("/graphql/", {"query": query}, **headers)


def test_etag_gives_304_to_a_get_only(graphql, job):
    miss = get(graphql, JOBS)
    etag = miss["ETag"]
    assert etag.startswith('"')
    hit = get(graphql, JOBS)
    not_modified = get(graphql, JOBS, HTTP_IF_NONE_MATCH=etag)
    assert (miss["X-Cache"], hit["X-Cache"]) == ("MISS", "HIT")
    assert not_modified.status_code == 304
    assert b"".join(not_modified.streaming_content) == b""
    assert not not_modified.has_header("Content-Length")
    assert not_modified["ETag"] == etag
    # The same Vary on every public answer, and no cookie on any.
    assert miss["Vary"] == hit["Vary"] == not_modified["Vary"]
    assert "Accept" in miss["Vary"]
    for response in (miss, hit, not_modified):
        assert not response.cookies
    # A POST is never answered 304, whatever it sends.
    posted = graphql.post(JOBS, HTTP_IF_NONE_MATCH=etag)
    assert posted.status_code == 200
    assert titles(posted) == ["Postdoc in optics"]
    changed = get(graphql, JOBS, HTTP_IF_NONE_MATCH='"something-else"')
    assert changed.status_code == 200


def test_mutations_are_never_cached(graphql, job):
    # Whether or not the schema has mutations yet, the answer must be neither stored nor shared.
    for _ in range(2):
        response = graphql.post("mutation { __typename }")
        assert response["X-Cache"] == "BYPASS"
        assert response["Cache-Control"] == "private, no-store"
        assert "ETag" not in response


def test_a_document_holding_a_mutation_is_never_cached(graphql, job):
    document = "query Q { jobs { pagination { total } } } mutation M { __typename }"
    response = graphql.http.post(
        "/graphql/",
        json.dumps({"query": document, "operationName": "Q"}),
        content_type="application/json",
    )
    assert response["X-Cache"] == "BYPASS"


def test_preview_tokens_are_never_cached(graphql, job_index):
    draft = JobPostingPageFactory(parent=job_index, title="Secret draft", live=False)
    token = draft.create_page_preview().token
    by_variable = "query Preview($token: String) { job(token: $token) { title } }"
    inline = 'query { job(token: "' + token + '") { title } }'
    for _ in range(2):
        response = graphql.post(by_variable, {"token": token})
        assert response.json()["data"]["job"]["title"] == "Secret draft"
        assert response["X-Cache"] == "BYPASS"
        assert response["Cache-Control"] == "private, no-store"
        assert graphql.post(inline)["X-Cache"] == "BYPASS"


def test_logged_in_sessions_are_never_cached(graphql, job):
    user = get_user_model().objects.create_user("editor", password="x")
    graphql.http.force_login(user)
    for _ in range(2):
        response = graphql.post(JOBS)
        assert response["X-Cache"] == "BYPASS"
        assert response["Cache-Control"] == "private, no-store"


def test_errors_are_never_cached(graphql, job):
    for _ in range(2):
        response = graphql.post("query { jobs { items { noSuchField } } }")
        assert response.status_code == 400
        assert response["X-Cache"] == "BYPASS"
        assert response["Cache-Control"] == "private, no-store"


def test_switched_off_by_setting(graphql, job, settings):
    settings.GRAPHQL_CACHE_SECONDS = 0
    assert graphql.post(JOBS)["X-Cache"] == "BYPASS"
    assert graphql.post(JOBS)["X-Cache"] == "BYPASS"


MEDIA = "{ images { title } documents { title } jobs { items { title } } }"


def _private_collection():
    from wagtail.models import Collection

    return Collection.get_first_root_node().add_child(name="Later private")


def _restrict(collection):
    from wagtail.models import CollectionViewRestriction

    CollectionViewRestriction.objects.create(collection=collection, restriction_type="login")


def _collection_becomes_private(media):
    _restrict(media["collection"])


def _image_moves_into_private(media):
    private = _private_collection()
    _restrict(private)
    media["image"].collection = private
    media["image"].save()


def _document_moves_into_private(media):
    private = _private_collection()
    _restrict(private)
    media["document"].collection = private
    media["document"].save()


def _job_gets_a_view_restriction(media):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=media["job"], restriction_type="login")


def _restriction_gets_a_group(media):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(page=media["job"], restriction_type="groups")
    restriction.groups.add(Group.objects.create(name="Members"))


def _site_changes(media):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    site.site_name = "Renamed"
    site.save()


@pytest.mark.parametrize(
    "change",
    [
        _collection_becomes_private,
        _image_moves_into_private,
        _document_moves_into_private,
        _job_gets_a_view_restriction,
        _restriction_gets_a_group,
        _site_changes,
    ],
)
def test_every_change_of_visibility_invalidates(graphql, job_index, change):
    import wagtail_factories

    collection = _private_collection()
    media = {
        "collection": collection,
        "image": wagtail_factories.ImageFactory(title="Campus", collection=collection),
        "document": wagtail_factories.DocumentFactory(title="Report", collection=collection),
        "job": JobPostingPageFactory(parent=job_index, title="Optics"),
    }
    graphql.post(MEDIA)
    assert graphql.post(MEDIA)["X-Cache"] == "HIT"
    change(media)
    after = graphql.post(MEDIA)
    assert after["X-Cache"] == "MISS", change.__name__
    assert "Cache-Control" in after
