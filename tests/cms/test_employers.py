"""Employers: API keys, `submitJobPosting`, and institution accounts in the admin."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from content.employers.accounts import institution_for_key, issue_key
from content.models import EmployerApiKey, InstitutionMembership, JobPostingPage
from content.moderation import REVIEWERS_GROUP, ensure_job_moderation
from tests.content.factories import InstitutionFactory, JobPostingPageFactory, RoleFactory

CLOSING = (timezone.localdate() + dt.timedelta(days=30)).isoformat()

SUBMIT = """
mutation Submit($input: JobPostingInput!) {
  submitJobPosting(input: $input) {
    ok created errors { field messages }
    job { id reference title status live }
  }
}"""


@pytest.fixture
def moderated(job_index):
    ensure_job_moderation()
    reviewer = User.objects.create_user("rita", "rita@example.org", "pw")
    reviewer.groups.add(reviewer.groups.model.objects.get(name=REVIEWERS_GROUP))
    return job_index


@pytest.fixture
def oxford(db):
    return InstitutionFactory(name="Oxford", slug="oxford")


@pytest.fixture
def cambridge(db):
    return InstitutionFactory(name="Cambridge", slug="cambridge")


@pytest.fixture
def api_key(oxford):
    record = EmployerApiKey(institution=oxford, name="HR system")
    key = issue_key(record)
    record.save()
    return key


def good_input(**overrides):
    data = {
        "reference": "OX-100",
        "title": "Postdoc in protein design",
        "description": "<p>Design proteins.</p>",
        "closingDate": CLOSING,
        "role": "postdoc",
        "applicationUrl": "https://ox.example/apply",
        "salary": {"min": "40000", "max": "48000", "currency": "GBP", "period": "YEAR"},
        "employmentType": "FULL_TIME",
        "keywords": ["proteins", "design"],
    }
    data.update(overrides)
    return data


def submit(graphql, key, data):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return graphql.post(SUBMIT, {"input": data}, **headers).json()


def test_keys_are_stored_hashed_and_can_be_revoked(api_key, oxford):
    record = EmployerApiKey.objects.get()
    assert api_key.startswith(record.prefix) and api_key not in record.key_hash
    assert institution_for_key(api_key) == oxford
    assert EmployerApiKey.objects.get().last_used_at is not None
    assert institution_for_key(api_key + "x") is None
    record.active = False
    record.save()
    assert institution_for_key(api_key) is None


@pytest.mark.parametrize("key", [None, "ajk_not-a-key", "Basic abc"])
def test_submission_without_a_valid_key_is_refused(graphql, moderated, oxford, key):
    RoleFactory(slug="postdoc")
    payload = submit(graphql, key, good_input())
    assert payload["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not payload["data"]["submitJobPosting"] if payload.get("data") else True
    assert JobPostingPage.objects.count() == 0


def test_revoked_key_is_refused(graphql, moderated, api_key):
    RoleFactory(slug="postdoc")
    EmployerApiKey.objects.update(active=False)
    assert submit(graphql, api_key, good_input())["errors"]
    assert JobPostingPage.objects.count() == 0


def test_bad_input_returns_field_errors_and_writes_nothing(graphql, moderated, api_key):
    RoleFactory(slug="postdoc")
    past = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    payload = submit(
        graphql,
        api_key,
        good_input(
            role="astronaut",
            closingDate=past,
            applicationUrl=None,
            salary={"min": "50000", "max": "40000", "currency": "XXQ"},
            disciplines=["alchemy"],
        ),
    )
    result = payload["data"]["submitJobPosting"]
    assert result["ok"] is False and result["job"] is None
    errors = {error["field"]: error["messages"] for error in result["errors"]}
    assert errors["role"] == ["Unknown role “astronaut”."]
    assert errors["closingDate"] == ["The closing date has passed."]
    assert errors["disciplines"] == ["Unknown discipline “alchemy”."]
    assert "applicationUrl" in errors
    assert len(errors["salary.currency"]) == 1 and "salary.min" in errors
    assert JobPostingPage.objects.count() == 0


def test_malformed_input_is_a_graphql_error(graphql, moderated, api_key):
    payload = submit(graphql, api_key, good_input(closingDate="next week"))
    assert payload["errors"] and JobPostingPage.objects.count() == 0


def test_good_submission_is_a_draft_in_moderation_and_resubmission_updates(
    graphql, moderated, api_key, oxford, mailoutbox
):
    RoleFactory(slug="postdoc")
    result = submit(graphql, api_key, good_input())["data"]["submitJobPosting"]
    assert result["ok"] and result["created"] and result["errors"] == []
    assert result["job"]["status"] == "in_progress" and result["job"]["live"] is False
    job = JobPostingPage.objects.get()
    assert (job.institution, job.reference, job.live) == (oxford, "OX-100", False)
    state = WorkflowState.objects.get()
    assert state.status == "in_progress" and state.workflow.name == "Job moderation"
    # Wagtail's workflow notification reaches the reviewers.
    assert any("rita@example.org" in mail.to for mail in mailoutbox)
    # Not visible to the public API.
    data = graphql.execute("query($id: ID) { job(id: $id) { title } }", {"id": str(job.pk)})
    assert data["job"] is None

    again = submit(graphql, api_key, good_input(title="Postdoc in protein design (2 posts)"))
    result = again["data"]["submitJobPosting"]
    assert result["ok"] and result["created"] is False
    assert JobPostingPage.objects.count() == 1
    job = JobPostingPage.objects.get()
    assert not job.live
    assert job.get_latest_revision_as_object().title.endswith("(2 posts)")
    assert job.current_workflow_state.status == "in_progress"
    assert WorkflowState.objects.filter(status="in_progress").count() == 1


def test_a_key_cannot_post_for_another_institution(graphql, moderated, api_key, cambridge):
    RoleFactory(slug="postdoc")
    JobPostingPageFactory(parent=moderated, institution=cambridge, reference="OX-100")
    result = submit(graphql, api_key, good_input())["data"]["submitJobPosting"]
    assert result["ok"] and result["created"]  # a new posting: the reference is per institution
    assert JobPostingPage.objects.filter(reference="OX-100").count() == 2


# --- Admin -----------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin", "admin@example.org", "pw")


def test_admin_creates_a_key_and_shows_it_once(superuser, oxford):
    client = Client()
    client.force_login(superuser)
    url = reverse("wagtailsnippets_content_employerapikey:add")
    response = client.post(url, {"name": "ATS", "institution": oxford.pk, "active": "on"})
    assert response.status_code == 200
    key = response.context["key"]
    assert key in response.content.decode()
    record = EmployerApiKey.objects.get()
    assert institution_for_key(key) == oxford and key not in record.key_hash
    listing = client.get(reverse("wagtailsnippets_content_employerapikey:list")).content.decode()
    assert record.prefix in listing and key not in listing


@pytest.fixture
def employer(oxford, moderated):
    user = User.objects.create_user("olive", "olive@ox.example", "pw")
    InstitutionMembership.objects.create(user=user, institution=oxford)
    client = Client()
    client.force_login(user)
    return client


def test_institution_account_sees_and_edits_only_its_postings(
    employer, moderated, oxford, cambridge
):
    own = JobPostingPageFactory(parent=moderated, institution=oxford, title="Oxford job")
    other = JobPostingPageFactory(parent=moderated, institution=cambridge, title="Cambridge job")

    listing = employer.get(reverse("wagtailadmin_explore", args=[moderated.pk]))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Oxford job" in html and "Cambridge job" not in html

    chooser = employer.get(reverse("wagtailadmin_choose_page_child", args=[moderated.pk]))
    assert "Oxford job" in chooser.content.decode()
    assert "Cambridge job" not in chooser.content.decode()

    assert employer.get(reverse("wagtailadmin_pages:edit", args=[own.pk])).status_code == 200
    for name in ("edit", "delete", "history", "view_draft", "preview_on_edit", "copy"):
        response = employer.get(reverse(f"wagtailadmin_pages:{name}", args=[other.pk]))
        # Another institution's posting does not exist for this account.
        assert response.status_code == 404, name


def test_institution_account_creates_a_posting_for_itself_and_cannot_publish(
    employer, moderated, oxford, cambridge
):
    role = RoleFactory(slug="postdoc")
    add_url = reverse("wagtailadmin_pages:add", args=["content", "jobpostingpage", moderated.pk])
    form = employer.get(add_url)
    assert form.status_code == 200
    data = querydict_from_html(form.content.decode(), form_id="page-edit-form")
    data.update(
        {
            "title": "Postdoc in glaciology",
            "slug": "postdoc-in-glaciology",
            "institution": str(cambridge.pk),  # tampered: must end up as Oxford's
            "role": str(role.pk),
            "closing_date": CLOSING,
            "application_url": "https://ox.example/glaciology",
            "description": rich_text("<p>Ice.</p>"),
            "action-publish": "action-publish",
        }
    )
    response = employer.post(add_url, data)
    assert response.status_code in (200, 302)
    job = JobPostingPage.objects.get(slug="postdoc-in-glaciology")
    assert job.institution == oxford
    assert not job.live  # no publish permission

    # Submitting for moderation from the edit form starts the workflow; still not live.
    edit_url = reverse("wagtailadmin_pages:edit", args=[job.pk])
    edit_form = employer.get(edit_url).content.decode()
    data = querydict_from_html(edit_form, form_id="page-edit-form")
    data["action-submit"] = "Submit"
    employer.post(edit_url, data)
    job.refresh_from_db()
    assert job.current_workflow_state.status == "in_progress" and not job.live


def test_moving_a_posting_to_another_institution_moves_the_right_to_edit(
    employer, moderated, oxford, cambridge
):
    job = JobPostingPageFactory(parent=moderated, institution=oxford, title="Moving job")
    edit_url = reverse("wagtailadmin_pages:edit", args=[job.pk])
    assert employer.get(edit_url).status_code == 200
    job.institution = cambridge
    job.save()
    assert employer.get(edit_url).status_code == 404
    cambridge_user = User.objects.create_user("cam", "cam@example.org", "pw")
    InstitutionMembership.objects.create(user=cambridge_user, institution=cambridge)
    client = Client()
    client.force_login(cambridge_user)
    assert client.get(edit_url).status_code == 200


SUBMIT_MANY = """
mutation SubmitMany($postings: [JobPostingInput!]!) {
  submitJobPostings(postings: $postings) { ok results { index status jobId errors { field } } }
}"""


def test_a_batch_goes_through_the_bulk_path_posting_by_posting(graphql, moderated, api_key):
    RoleFactory(slug="postdoc", name="Postdoc")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_key}"}
    postings = [
        good_input(reference="OX-1"),
        good_input(reference="OX-2", applicationUrl="", applicationEmail=""),
        good_input(reference="OX-3", title="Lab manager"),
    ]
    result = graphql.post(SUBMIT_MANY, {"postings": postings}, **headers).json()
    outcome = result["data"]["submitJobPostings"]
    assert outcome["ok"] is False
    statuses = [(row["index"], row["status"]) for row in outcome["results"]]
    assert statuses == [(1, "created"), (2, "failed"), (3, "created")]
    assert outcome["results"][1]["errors"] and outcome["results"][1]["jobId"] is None
    created = JobPostingPage.objects.filter(reference__in=["OX-1", "OX-3"])
    assert created.count() == 2 and not created.filter(live=True).exists()
    again = graphql.post(SUBMIT_MANY, {"postings": [postings[0]]}, **headers).json()
    assert again["data"]["submitJobPostings"]["results"][0]["status"] == "unchanged"
    too_many = graphql.post(SUBMIT_MANY, {"postings": [postings[0]] * 26}, **headers).json()
    assert "at most 25" in too_many["errors"][0]["message"]


# Numbers no salary or contract can be: each a field error, never an exception.
@pytest.mark.parametrize(
    ("field", "salary", "extra"),
    [
        ("salary.min", {"min": "NaN", "max": "48000"}, {}),
        ("salary.min", {"min": "Infinity"}, {}),
        ("salary.max", {"min": "40000", "max": "-Infinity"}, {}),
        ("salary.max", {"min": "1", "max": "1e30"}, {}),
        ("salary.min", {"min": 1e30}, {}),  # a JSON number
        ("salary.min", {"min": float("nan")}, {}),  # the `NaN` token json.loads accepts
        ("salary.max", {"max": float("-inf")}, {}),
        ("salary.min", {"min": "-5"}, {}),
        ("salary.min", {"min": "50000", "max": "40000"}, {}),
        ("salary.min", {"min": "0.001"}, {}),  # more decimals than a currency has
        ("durationMonths", {}, {"durationMonths": -1}),
        ("durationMonths", {}, {"durationMonths": 40000}),
        ("durationMonths", {}, {"durationMonths": 0, "contractType": "FIXED_TERM"}),
    ],
)
def test_impossible_numbers_are_field_errors(graphql, moderated, api_key, field, salary, extra):
    RoleFactory(slug="postdoc")
    data = good_input(salary={"currency": "GBP", **salary}, **extra)
    response = graphql.post(SUBMIT, {"input": data}, HTTP_AUTHORIZATION=f"Bearer {api_key}")
    assert response.status_code == 200
    result = response.json()["data"]["submitJobPosting"]
    assert result["ok"] is False
    assert field in {error["field"] for error in result["errors"]}, result["errors"]
    assert JobPostingPage.objects.count() == 0


@pytest.mark.parametrize("months", [2**31, 1.5, "NaN"])
def test_a_number_graphql_cannot_take_is_a_graphql_error(graphql, moderated, api_key, months):
    response = graphql.post(
        SUBMIT,
        {"input": good_input(durationMonths=months)},
        HTTP_AUTHORIZATION=f"Bearer {api_key}",
    )
    assert response.status_code == 400
    assert "durationMonths" in response.json()["errors"][0]["message"]
    assert JobPostingPage.objects.count() == 0
