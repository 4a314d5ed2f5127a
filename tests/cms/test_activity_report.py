"""The admin's "Posting activity" report (cms/activity_report.py): per posting views and apply
clicks over a date range, a chart, CSV export; an institution account sees its own postings
only, staff see all."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cms import activity
from cms.activity_report import date_range
from content.models import InstitutionMembership
from tests.content.factories import InstitutionFactory, JobPostingPageFactory

URL = "/admin/reports/posting-activity/"


@pytest.fixture
def postings(job_index):
    oxford = InstitutionFactory(name="Oxford", slug="oxford")
    cambridge = InstitutionFactory(name="Cambridge", slug="cambridge")
    ours = JobPostingPageFactory(parent=job_index, institution=oxford, title="Oxford chemist")
    theirs = JobPostingPageFactory(
        parent=job_index, institution=cambridge, title="Cambridge secret physicist"
    )
    today = timezone.localdate()
    long_ago = today - dt.timedelta(days=90)
    for _ in range(3):
        activity.add(ours.pk, activity.VIEWS)
    activity.add(ours.pk, activity.APPLY_CLICKS)
    activity.add(ours.pk, activity.VIEWS, day=today - dt.timedelta(days=2))
    activity.add(ours.pk, activity.VIEWS, day=long_ago)
    for _ in range(7):
        activity.add(theirs.pk, activity.VIEWS)
    activity.add(theirs.pk, activity.APPLY_CLICKS)
    return {"oxford": oxford, "ours": ours, "theirs": theirs, "long_ago": long_ago}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff(db):
    return login(User.objects.create_superuser("admin", "admin@example.org", "pw"))


@pytest.fixture
def employer(postings):
    user = User.objects.create_user("olive", "olive@ox.example", "pw")
    InstitutionMembership.objects.create(user=user, institution=postings["oxford"])
    return login(user)


def export(client, query="") -> list[dict]:
    response = client.get(f"{URL}?export=csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_staff_see_every_posting_with_a_chart(staff, postings):
    response = staff.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Oxford chemist" in html and "Cambridge secret physicist" in html
    assert "<svg" in html and html.count("<rect") == 2 * 30
    assert "11 views, 2 apply clicks" in html  # the last 30 days, both postings
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )


def test_institution_accounts_see_their_own_postings_only(employer, postings):
    html = employer.get(URL).content.decode()
    assert "Oxford chemist" in html
    assert "Cambridge" not in html
    assert "4 views, 1 apply clicks" in html
    rows = export(employer)
    assert [(r["Posting"], r["Views"], r["Apply clicks"]) for r in rows] == [
        ("Oxford chemist", "4", "1")
    ]
    assert "Cambridge" not in employer.get(f"{URL}results/").content.decode()
    # The reports menu shows it, and no other report.
    assert employer.get(reverse("wagtailadmin_reports:locked_pages")).status_code == 404


def test_the_csv_export_counts_the_chosen_days(staff, postings):
    rows = export(staff)
    assert {r["Posting"]: (r["Views"], r["Apply clicks"]) for r in rows} == {
        "Cambridge secret physicist": ("7", "1"),
        "Oxford chemist": ("4", "1"),
    }
    assert list(rows[0]) == [
        "Page ID",
        "Posting",
        "Institution",
        "Closing date",
        "Views",
        "Apply clicks",
    ]
    day = postings["long_ago"].isoformat()
    rows = export(staff, f"&date_from={day}&date_to={day}")
    assert [(r["Posting"], r["Views"], r["Apply clicks"]) for r in rows] == [
        ("Oxford chemist", "1", "0")
    ]


def test_date_range_defaults_and_bounds():
    today = timezone.localdate()
    assert date_range(None) == (today - dt.timedelta(days=29), today)
    start = dt.date(2020, 1, 1)
    last_year = today - dt.timedelta(days=365)
    assert date_range({"date_from": today, "date_to": start}) == (last_year, today)
    assert date_range({"date_from": start, "date_to": today}) == (last_year, today)
    week = today - dt.timedelta(days=6)
    assert date_range({"date_from": today, "date_to": week}) == (week, today)
