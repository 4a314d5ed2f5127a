"""Titles, names, cities, references, emails, key names: one line of text, refused otherwise
at every entry point (the model, the admin forms, submitJobPosting, subscribe, the importer)."""

import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse

from content.employers.accounts import issue_key
from content.imports.bulk import import_rows
from content.imports.reading import prepare_job, read_records
from content.iso import validate_country_code, validate_currency_code
from content.models import EmployerApiKey, Institution, JobPostingPage
from content.validators import validate_single_line
from notifications.models import Subscriber
from tests.content.factories import (
    DefinitionPageFactory,
    GuidePageFactory,
    InstitutionFactory,
    JobPostingPageFactory,
    RoleFactory,
)
from tests.content.test_job_validation import CLOSES, admin_form, job

pytestmark = pytest.mark.django_db

# Every kind the rule refuses: C0 (CR, LF, TAB, VT, ESC), DEL, C1 (NEL, CSI), U+2028/2029.
BREAKS = ["\r\n", "\n", "\r", "\t", "\x0b", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029"]

# Written by the system from values it made itself, never typed or sent by anyone.
SYSTEM_FIELDS = {
    "content.ImportedJob.fingerprint",  # a hash the importer computes
    "content.JobFeed.etag",  # sent back by the feed's server, never shown
    "content.JobFeed.last_modified",
    "notifications.EmailBranding.accent_colour",  # #rrggbb, by its own validator
    "content.EmployerApiKey.prefix",
    "content.EmployerApiKey.key_hash",
    "notifications.JobAlert.countries",  # packed from validated ISO codes
    "notifications.JobAlert.remote",  # a RemotePolicy value, checked by the service
    "notifications.Subscriber.bounce_reason",
    "notifications.Delivery.claim",
    "notifications.AcceptedEmail.claim",
    "notifications.Delivery.error",
    "cms.WebhookDelivery.event",
    "cms.WebhookDelivery.url",
    "cms.WebhookDelivery.page_title",
    "cms.IndexingNotification.url",  # a page URL the CMS built (content.public_urls)
    "cms.TrustedDocument.document_id",  # "sha256:<hex>", checked against its text's hash
    "notifications.InstitutionNotice.key",  # "<kind>:<id>", built by the notices code
    "notifications.InstitutionNotice.error",  # the mail server's answer, never an input
    "notifications.Subscriber.consent_version",  # a setting's value, recorded at sign-up
    "notifications.Suppression.key",  # a keyed hash (notifications/suppression.py)
    "notifications.Suppression.source",  # set by the code that reports it: smtp, dsn, ...
    "notifications.DeliveryEvent.key",
    "notifications.DeliveryEvent.source",
    "notifications.DeliveryEvent.status",  # a DSN status code, parsed
    "notifications.DeliveryEvent.detail",  # a report's text, made one line by bounces.py
    "notifications.DeliveryEvent.event_id",  # the ESP's event id
    # Kept open job counts (content/open_counts.py): copies of validated job fields.
    "content.CountedJob.country",
    "content.CountedJob.remote_policy",
    "content.CountedJob.disciplines",  # discipline ids, packed by open_counts
    "content.OpenJobCount.dimension",  # one of open_counts.DIMENSIONS
    "content.OpenJobCount.key",
}
CLOSED_SET_VALIDATORS = [validate_country_code, validate_currency_code]


def test_every_text_field_is_single_line_or_a_closed_set():
    """A new CharField anywhere in our apps must take the rule (or be a closed set)."""
    missing = []
    for app in ("content", "notifications", "cms"):
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if not isinstance(field, models.CharField) or field.model is not model:
                    continue
                name = f"{model._meta.label}.{field.name}"
                closed = (
                    field.choices
                    or isinstance(field, models.SlugField)
                    or any(v in CLOSED_SET_VALIDATORS for v in field.validators)
                )
                if not (
                    closed or name in SYSTEM_FIELDS or validate_single_line in field.validators
                ):
                    missing.append(name)
    assert missing == []


@pytest.mark.parametrize("bad", BREAKS)
def test_the_validator_refuses_control_characters(bad):
    with pytest.raises(ValidationError) as caught:
        validate_single_line(f"Postdoc{bad}Bcc: victim@example.org")
    assert f"U+{ord(bad[0]):04X}" in caught.value.messages[0]
    validate_single_line("Postdoc in “NLP” – Zürich, 50% FTE")


# Text that looks different from what it is: bidi overrides, invisible characters, and
# RFC 2047 encoded words a mail client would decode in a subject.
SPOOFS = [
    "Postdoc \u202egnp.exe",
    "Post\u200bdoc",
    "\ufeffPostdoc",
    "Postdoc\u2066isolated\u2069",
    "Postdoc \u00adsoft",
    "=?utf-8?b?UGFzc3dvcmQgcmVzZXQ=?=",
    "Job =?ISO-8859-1?Q?caf=E9?= here",
]


@pytest.mark.parametrize("bad", SPOOFS)
def test_the_validator_refuses_format_characters_and_encoded_words(bad):
    with pytest.raises(ValidationError):
        validate_single_line(bad)
    # Joiners stay (Persian, Indic scripts, emoji sequences), and so does "=?" in prose.
    validate_single_line("می\u200cخواهم 👩\u200d🔬 2+2=? yes")


@pytest.mark.parametrize("bad", ["Lecturer \u202eX", "=?utf-8?b?SGk=?="])
def test_the_page_form_refuses_spoofed_titles(editor, job_index, bad):
    url = reverse("wagtailadmin_pages:add", args=("content", "jobpostingpage", job_index.pk))
    response = editor.post(url, admin_form(title=bad))
    assert response.status_code == 200
    assert "not allowed" in response.content.decode()
    assert not JobPostingPage.objects.exists()


@pytest.mark.parametrize("bad", ["Postdoc\u202e", "=?utf-8?q?Urgent?="])
def test_submit_job_posting_refuses_spoofed_titles(graphql, api_key, bad):
    response = graphql.post(
        SUBMIT, {"input": submission(title=bad)}, HTTP_AUTHORIZATION=f"Bearer {api_key}"
    )
    result = response.json()["data"]["submitJobPosting"]
    assert result["ok"] is False
    assert not JobPostingPage.objects.exists()


@pytest.mark.parametrize("field", ["title", "seo_title"])
def test_page_titles_are_checked_by_every_page_type(job_index, guide_index, glossary_index, field):
    for page in (
        job(**{field: "Postdoc\r\nX-Injected: 1"}),
        GuidePageFactory.build(**{field: "Guide\u2028two"}),
        DefinitionPageFactory.build(**{field: "Term\ttab"}),
    ):
        with pytest.raises(ValidationError) as caught:
            page.clean()
        assert field in caught.value.message_dict, type(page).__name__


def test_a_draft_saved_in_code_is_checked_too(job_index):
    page = job(title="Draft\ntitle", live=False)
    with pytest.raises(ValidationError):
        job_index.add_child(instance=page)
    assert not JobPostingPage.objects.exists()


# --- The admin forms -------------------------------------------------------------------------


@pytest.fixture
def editor(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("field", ["title", "department", "reference", "keywords", "seo_title"])
def test_the_page_form_refuses_a_line_break_inside_a_field(editor, job_index, field):
    url = reverse("wagtailadmin_pages:add", args=("content", "jobpostingpage", job_index.pk))
    response = editor.post(url, admin_form(**{field: "Lecturer in\r\nstatistics"}))
    assert response.status_code == 200
    assert "Use a single line of text" in response.content.decode()
    assert not JobPostingPage.objects.exists()


@pytest.mark.parametrize(
    ("snippet", "data"),
    [
        ("institution", {"name": "Oxford\nUniversity", "slug": "ox", "country": "GB"}),
        ("institution", {"name": "Oxford", "slug": "ox", "country": "GB", "city": "Ox\u2029ford"}),
        ("discipline", {"name": "Machine\tLearning", "slug": "ml"}),
        ("role", {"name": "Post\x85doc", "slug": "postdoc"}),
    ],
)
def test_the_snippet_forms_refuse_a_line_break(editor, snippet, data):
    url = reverse(f"wagtailsnippets_content_{snippet}:add")
    data = {"kind": "UNIVERSITY", **data}
    response = editor.post(url, data)
    assert response.status_code == 200
    assert "Use a single line of text" in response.content.decode()
    assert not apps.get_model("content", snippet).objects.exists()


def test_the_api_key_form_refuses_a_line_break(editor):
    oxford = InstitutionFactory()
    url = reverse("wagtailsnippets_content_employerapikey:add")
    response = editor.post(url, {"name": "HR\r\nsystem", "institution": oxford.pk})
    assert response.status_code == 200
    assert "Use a single line of text" in response.content.decode()
    assert not EmployerApiKey.objects.exists()


def test_copying_a_page_refuses_a_line_break_in_the_new_title(editor, job_index):
    original = JobPostingPageFactory(parent=job_index, title="Original")
    url = reverse("wagtailadmin_pages:copy", args=[original.pk])
    form = {
        "new_title": "Copy\r\nX-Injected: 1",
        "new_slug": "copy",
        "new_parent_page": job_index.pk,
    }
    response = editor.post(url, form, follow=True)
    assert "Use a single line of text" in response.content.decode()
    assert list(JobPostingPage.objects.values_list("title", flat=True)) == ["Original"]
    editor.post(url, {**form, "new_title": "A fine copy"})
    assert JobPostingPage.objects.filter(title="A fine copy").exists()  # the check can pass


# --- submitJobPosting ------------------------------------------------------------------------

SUBMIT = """
mutation($input: JobPostingInput!) {
  submitJobPosting(input: $input) { ok errors { field messages } }
}"""


@pytest.fixture
def api_key(job_index):
    record = EmployerApiKey(institution=InstitutionFactory(), name="HR system")
    key = issue_key(record)
    record.save()
    RoleFactory(slug="postdoc")
    return key


def submission(**overrides):
    return {
        "reference": "REF-1",
        "title": "Postdoc in protein design",
        "description": "Design proteins.",
        "closingDate": CLOSES.isoformat(),
        "role": "postdoc",
        "applicationUrl": "https://apply.example/1",
        **overrides,
    }


@pytest.mark.parametrize("bad", ["\r\n", "\u2028", "\x1b", "\t"])
@pytest.mark.parametrize(
    "field", ["title", "department", "city", "reference", "applicationEmail", "keywords"]
)
def test_submit_job_posting_refuses_a_line_break(graphql, api_key, field, bad):
    value = f"jobs{bad}bcc@example.org"
    value = [value] if field == "keywords" else value
    response = graphql.post(
        SUBMIT, {"input": submission(**{field: value})}, HTTP_AUTHORIZATION=f"Bearer {api_key}"
    )
    result = response.json()["data"]["submitJobPosting"]
    assert result["ok"] is False
    errors = {error["field"]: error["messages"] for error in result["errors"]}
    assert any("single line" in message for message in errors[field]), errors
    assert not JobPostingPage.objects.exists()


# --- subscribe -------------------------------------------------------------------------------

SUBSCRIBE = """
mutation($email: String!, $alert: JobAlertInput!) { subscribe(email: $email, alert: $alert) { ok } }
"""


@pytest.mark.parametrize(
    ("email", "keywords"),
    [
        ('"ann\\\tlee"@example.org', []),
        ('"ann\r\nBcc: x@y.org"@example.org', []),
        ("ann@example.org", ["deep\nlearning"]),
        ("ann@example.org", ["deep\u2028learning"]),
    ],
)
def test_subscribe_refuses_a_line_break(graphql, email, keywords):
    alert = {"frequency": "DAILY", "keywords": keywords}
    errors = graphql.errors(SUBSCRIBE, {"email": email, "alert": alert})
    assert errors[0]["extensions"]["code"] == "SubscriptionError"
    assert not Subscriber.objects.exists()


# --- The importer ----------------------------------------------------------------------------


def test_the_importer_refuses_a_line_break_in_csv_and_json(job_index, tmp_path):
    oxford = InstitutionFactory(slug="oxford")
    RoleFactory(slug="postdoc")
    base = {
        "title": "Postdoc",
        "role": "postdoc",
        "reference": "OX-1",
        "closing_date": CLOSES.isoformat(),
        "application_url": "https://ox.example/1",
        "description": "Text.",
    }
    csv_path = tmp_path / "jobs.csv"
    csv_path.write_text(
        "title,role,reference,closing_date,application_url,description\n"
        f'"Postdoc\nBcc: x@y.org",postdoc,OX-1,{CLOSES.isoformat()},https://ox.example/1,Text.\n',
        encoding="utf-8",
    )
    report = import_rows(read_records(csv_path), institution=oxford)
    assert report.count("failed") == 1 and "title" in report.failures[0].errors

    for field in ("title", "department", "city", "reference"):
        record = {**base, field: "A\u2028B"}
        json_path = tmp_path / f"{field}.json"
        json_path.write_text(json.dumps([record]), encoding="utf-8")
        report = import_rows(read_records(json_path), institution=oxford)
        assert report.count("failed") == 1 and field in report.failures[0].errors, field
    assert not JobPostingPage.objects.exists()

    prepared, errors = prepare_job(
        {**base, "title": "Fine", "keywords": "ml,\x1bnlp"}, institution=oxford
    )
    assert prepared is None and "keywords" in errors
    assert Institution.objects.count() == 1


def test_subscriber_email_field_carries_the_rule():
    subscriber = Subscriber(email='"a\tb"@example.org', consented_at="2026-01-01T00:00:00Z")
    with pytest.raises(ValidationError) as caught:
        subscriber.full_clean()
    assert "email" in caught.value.message_dict
