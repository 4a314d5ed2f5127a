"""A digest email opened in Chromium at phone and desktop widths, light and dark; the
screenshots in docs/ are this test's output."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import Site

from notifications import digests
from notifications.models import EmailBranding
from tests.content.factories import DisciplineFactory, InstitutionFactory, RoleFactory
from tests.e2e.conftest import picture_folder
from tests.notifications.factories import add_alert, confirmed_subscriber, publish_job

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

DOCS = Path(__file__).resolve().parents[2] / "docs"  # pictures go here with UPDATE_SCREENSHOTS=1


@pytest.fixture
def digest_html(job_index, settings):
    """Built before the browser starts (list it first): under Playwright's loop the ORM
    would use another connection."""
    settings.NOTIFICATIONS_JOB_URL = "https://jobs.example.org/jobs/{slug}/"
    EmailBranding.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={
            "site_name": "Academic Jobs",
            "accent_colour": "#1f5f8b",
            "postal_address": "Academic Jobs Ltd, 1 Example Street, Cambridge CB2 1TN, UK",
        },
    )
    ml = DisciplineFactory(name="Machine Learning")
    phd = RoleFactory(name="PhD")
    since = timezone.now() - dt.timedelta(minutes=1)
    reader = confirmed_subscriber(
        "reader@example.org", roles=[phd], disciplines=[ml], countries=["DE"], since=since
    )
    add_alert(reader, keywords=["robotics"], remote="REMOTE", since=since)
    tum = InstitutionFactory(name="Technical University of Munich", country="DE", city="Munich")
    today = timezone.localdate()
    publish_job(
        job_index,
        title="Fully funded PhD position in probabilistic machine learning for climate models",
        institution=tum,
        role=phd,
        disciplines=[ml],
        remote_policy="HYBRID",
        salary_min=Decimal(2400),
        salary_max=Decimal(2800),
        salary_currency="EUR",
        salary_period="MONTH",
        funded=True,
        closing_date=today + dt.timedelta(days=21),
    )
    publish_job(
        job_index,
        title="PhD in reinforcement learning",
        institution=tum,
        role=phd,
        disciplines=[ml],
        salary_min=None,
        salary_max=None,
        salary_currency="",
        funded=True,
        closing_date=today + dt.timedelta(days=9),
    )
    publish_job(
        job_index,
        title="Research engineer, robotics software",
        institution=InstitutionFactory(name="ETH Zürich", country="CH", city="Zürich"),
        remote_policy="REMOTE",
        salary_min=Decimal(95000),
        salary_max=None,
        salary_currency="CHF",
        salary_period="YEAR",
        closing_date=today + dt.timedelta(days=30),
    )
    digests.run_digest("INSTANT", force=True, send=digests.send_batch)
    (message,) = mail.outbox
    return message.alternatives[0][0]


def _open(chromium, html: str, width: int, scheme: str):
    context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.set_content(html)
    return context, page


@pytest.mark.parametrize("width", [375, 800])
def test_digest_reads_well_at_phone_and_desktop_widths(digest_html, chromium, width):
    context, page = _open(chromium, digest_html, width, "light")
    try:
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        card = page.locator("table.card")
        assert card.bounding_box()["width"] <= min(width, 600)
        assert page.get_by_text("PhD · Machine Learning · Germany").is_visible()
        assert page.get_by_text("“robotics” · Remote").is_visible()
        assert page.get_by_text("€2,400 – €2,800 a month").is_visible()
        # The preheader is for inbox lists only.
        assert not page.get_by_text("and 1 more").is_visible()
        page.screenshot(path=picture_folder(DOCS) / f"digest-email-{width}.png", full_page=True)
    finally:
        context.close()


def test_digest_in_dark_mode_keeps_text_readable(digest_html, chromium):
    context, page = _open(chromium, digest_html, 375, "dark")
    try:
        colours = page.evaluate(
            """() => {
              const style = (selector) => getComputedStyle(document.querySelector(selector));
              return {card: style("table.card").backgroundColor,
                      text: style("h1").color, link: style("a.link").color};
            }"""
        )
        assert colours == {
            "card": "rgb(26, 31, 38)",
            "text": "rgb(232, 235, 239)",
            "link": "rgb(132, 167, 191)",  # the accent lightened, not the dark accent
        }
        page.screenshot(path=picture_folder(DOCS) / "digest-email-375-dark.png", full_page=True)
    finally:
        context.close()
