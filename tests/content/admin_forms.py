"""What the Wagtail admin's "add job posting" form posts, for tests that go through the admin."""

import datetime as dt
import json

from django.utils import timezone

from tests.content.factories import InstitutionFactory, RoleFactory

CLOSES = timezone.localdate() + dt.timedelta(days=30)


def rich_text(text: str) -> str:
    """Draftail's editor posts its content as contentstate JSON."""
    block = {
        "key": "a1b2c",
        "text": text,
        "type": "unstyled",
        "depth": 0,
        "inlineStyleRanges": [],
        "entityRanges": [],
    }
    return json.dumps({"blocks": [block], "entityMap": {}})


def admin_form(**overrides) -> dict:
    data = {
        "title": "Lecturer in statistics",
        "slug": "lecturer-in-statistics",
        "institution": InstitutionFactory().pk,
        "department": "School of Mathematics",
        "city": "",
        "country": "",
        "remote_policy": "ON_SITE",
        "role": RoleFactory().pk,
        "employment_type": "FULL_TIME",
        "contract_type": "PERMANENT",
        "duration_months": "",
        "education_requirement": "",
        "salary_min": "45000",
        "salary_max": "55000",
        "salary_currency": "GBP",
        "salary_period": "YEAR",
        "funding_details": "",
        "start_date": (CLOSES + dt.timedelta(days=90)).isoformat(),
        "closing_date": CLOSES.isoformat(),
        "description": rich_text("Teach and research statistics."),
        "requirements": rich_text(""),
        "how_to_apply": rich_text(""),
        "application_url": "https://apply.example.org/lecturer",
        "application_email": "",
        "reference": "",
        "keywords": "",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "action-publish": "action-publish",
    }
    return {**data, **overrides}
