"""What an editor can get wrong on a job posting, and the messages they see, in the model and
through the Wagtail admin's "add page" form."""

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Field

from content.models import JobPostingPage
from tests.content.admin_forms import CLOSES, admin_form
from tests.content.factories import InstitutionFactory, RoleFactory

pytestmark = pytest.mark.django_db


def job(**overrides) -> JobPostingPage:
    fields = {
        "title": "Postdoc in statistics",
        "slug": "postdoc-in-statistics",
        "institution": InstitutionFactory(),
        "role": RoleFactory(),
        "description": "<p>About the post.</p>",
        "closing_date": CLOSES,
        "start_date": CLOSES + dt.timedelta(days=60),
        "salary_min": 36000,
        "salary_max": 42000,
        "salary_currency": "GBP",
        "application_url": "https://apply.example.org/stats",
    }
    return JobPostingPage(**{**fields, **overrides})


def clean_errors(page: JobPostingPage) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        page.clean()
    return caught.value.message_dict


def test_a_complete_job_is_clean():
    page = job(salary_currency="usd")
    page.clean()
    assert page.salary_currency == "USD"


def test_closing_after_the_start_date():
    start = CLOSES - dt.timedelta(days=1)
    errors = clean_errors(job(start_date=start))
    assert errors == {
        "closing_date": [f"Applications must close on or before the start date ({start:%d %b %Y})."]
    }


def test_minimum_salary_above_the_maximum():
    errors = clean_errors(job(salary_min=50000, salary_max=40000))
    assert errors == {"salary_min": ["The minimum salary is higher than the maximum."]}


def test_unknown_currency():
    errors = clean_errors(job(salary_currency="XYZ"))
    assert errors == {
        "salary_currency": [
            "“XYZ” is not a currency code. Use the three-letter ISO code, "
            "for example EUR, GBP or USD."
        ]
    }


def test_neither_application_url_nor_email():
    errors = clean_errors(job(application_url="", application_email=""))
    assert errors == {
        "application_url": [
            "Give an application URL or an application email, so candidates can apply."
        ]
    }
    job(application_url="", application_email="jobs@example.org").clean()


def test_every_mistake_is_reported_at_once():
    errors = clean_errors(
        job(
            start_date=CLOSES - dt.timedelta(days=1),
            salary_min=2,
            salary_max=1,
            salary_currency="ZZZ",
            application_url="",
            title="Two\nlines",
        )
    )
    assert set(errors) == {
        "title",
        "closing_date",
        "salary_min",
        "salary_currency",
        "application_url",
    }


# --- The admin form ----------------------------------------------------------------------


# What a page's own fields' validation leaves out here: its relations and tree position.
NOT_VALIDATED = ["institution", "role", "content_type", "locale", "path", "depth", "numchild"]


def test_full_clean_validates_each_field_once(monkeypatch):
    """clean()'s rules compare the values clean_fields has just validated, not validated
    again (an import runs full_clean on every row)."""
    cleaned = Counter()
    original = Field.clean

    def counted(self, value, instance):
        cleaned[self.name] += 1
        return original(self, value, instance)

    monkeypatch.setattr(Field, "clean", counted)
    page = job(duration_months=12)
    page.full_clean(exclude=NOT_VALIDATED, validate_unique=False)
    compared = ("start_date", "closing_date", "salary_min", "salary_max", "duration_months")
    assert {name: cleaned[name] for name in compared} == dict.fromkeys(compared, 1)


def test_a_value_set_after_clean_fields_is_still_checked():
    page = job()
    page.clean_fields(exclude=NOT_VALIDATED)
    page.salary_min = "abc"  # not what clean_fields passed: clean() checks it itself
    page.salary_max = 40000
    page.clean()
    page.salary_min = "50000"
    assert clean_errors(page) == {"salary_min": ["The minimum salary is higher than the maximum."]}


def test_the_admin_form_publishes_a_valid_job(editor, add_job_url):
    response = editor.post(add_job_url, admin_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    created = JobPostingPage.objects.get(slug="lecturer-in-statistics")
    assert created.live
    assert created.expire_at == created.closes_at


def test_the_admin_form_shows_the_error_and_creates_nothing(editor, add_job_url):
    response = editor.post(
        add_job_url,
        admin_form(
            start_date=(CLOSES - dt.timedelta(days=5)).isoformat(),
            salary_currency="XYZ",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The page could not be created due to validation errors" in html
    start = CLOSES - dt.timedelta(days=5)
    assert f"Applications must close on or before the start date ({start:%d %b %Y})." in html
    assert "is not a currency code" in html
    assert not JobPostingPage.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"salary_min": "NaN"},
        {"salary_min": "Infinity"},
        {"salary_max": "-Infinity"},
        {"salary_max": "1e30"},
        {"salary_min": "-1"},
        {"duration_months": "-1"},
        {"duration_months": "99999"},
        {"start_date": "2030-02-31"},
    ],
)
def test_the_admin_form_refuses_impossible_numbers(editor, add_job_url, overrides):
    response = editor.post(add_job_url, admin_form(**overrides))
    assert response.status_code == 200
    assert "The page could not be created due to validation errors" in response.content.decode()
    assert not JobPostingPage.objects.exists()
