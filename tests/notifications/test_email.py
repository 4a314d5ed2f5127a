"""The digest email as a subscriber reads it: groups per alert, every fact of each job in
both parts, branding from the site setting, links, list headers and a DKIM signature."""

import datetime as dt
import email
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import dkim
import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from notifications import digests
from notifications import email as email_module
from notifications.email import alert_titles, confirmation_message, salary_text
from notifications.models import EmailBranding, Subscriber
from tests.content.factories import DisciplineFactory, InstitutionFactory, RoleFactory
from tests.notifications.factories import add_alert, confirmed_subscriber, publish_job
from tests.notifications.smtp import smtp_server

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def parts(message) -> tuple[str, str]:
    return message.body, message.alternatives[0][0]


@pytest.fixture
def digest(job_index, settings):
    """One subscriber with two alerts and three jobs: one for each alert, one for both."""
    settings.NOTIFICATIONS_JOB_URL = "https://www.example.org/jobs/{slug}/"
    ml = DisciplineFactory(name="Machine Learning")
    phd = RoleFactory(name="PhD")
    since = timezone.now() - dt.timedelta(minutes=1)
    reader = confirmed_subscriber(
        "reader@example.org", roles=[phd], disciplines=[ml], countries=["DE"], since=since
    )
    add_alert(reader, keywords=["robotics"], since=since)
    tum = InstitutionFactory(name="TU München", country="DE", city="Munich")
    soon = timezone.localdate() + dt.timedelta(days=10)
    funded = publish_job(
        job_index,
        title="PhD in probabilistic ML",
        institution=tum,
        role=phd,
        disciplines=[ml],
        remote_policy="HYBRID",
        salary_min=Decimal("2400"),
        salary_max=Decimal("2800"),
        salary_currency="EUR",
        salary_period="MONTH",
        funded=True,
        closing_date=soon + dt.timedelta(days=5),
    )
    both = publish_job(
        job_index,
        title="PhD in robotics and ML",
        institution=tum,
        role=phd,
        disciplines=[ml],
        closing_date=soon,
    )
    other = publish_job(
        job_index,
        title="Robotics engineer",
        institution=InstitutionFactory(name="ETH Zürich", country="CH", city="Zürich"),
        salary_min=None,
        salary_max=None,
        salary_currency="",
        remote_policy="REMOTE",
    )
    digests.run_digest("INSTANT", force=True, send=digests.send_batch)
    (message,) = mail.outbox
    return message, {"funded": funded, "both": both, "other": other}


def test_jobs_are_grouped_by_the_alert_that_found_them(digest):
    message, _jobs = digest
    text, html = parts(message)
    assert message.subject == "3 new jobs matching your alerts"
    first, second = "PhD · Machine Learning · Germany", "“robotics”"
    # The job both alerts match is listed once, under the first alert; soonest closing first.
    assert text.index(f"== {first} ==") < text.index("* PhD in robotics and ML")
    assert text.index("* PhD in robotics and ML") < text.index("* PhD in probabilistic ML")
    assert text.index("* PhD in probabilistic ML") < text.index(f"== {second} ==")
    assert text.index(f"== {second} ==") < text.index("* Robotics engineer")
    assert text.count("* ") == 3
    body = html[html.index("<h1") :]  # after the preheader, which names jobs too
    assert body.index(first) < body.index("PhD in robotics and ML") < body.index(second)


def test_each_job_shows_every_fact_in_both_parts(digest):
    message, jobs = digest
    for part in parts(message):
        assert "TU München" in part and "Munich, Germany" in part and "Hybrid" in part
        assert "€2,400 – €2,800 a month" in part
        assert "Funded" in part
        assert "ETH Zürich" in part and "Zürich, Switzerland" in part and "Remote" in part
        assert "Not funded" in part
        for job in jobs.values():
            assert f"Closes {job.closing_date:%-d %B %Y}" in part
            assert f"https://www.example.org/jobs/{job.slug}/" in part
    html = parts(message)[1]
    assert "PhD in robotics and ML, PhD in probabilistic ML and 1 more" in html  # the preheader
    assert 'name="color-scheme" content="light dark"' in html
    assert "@media (prefers-color-scheme: dark)" in html


def test_lines_stay_short_so_no_part_needs_quoted_printable(digest):
    message, _jobs = digest
    raw = message.message().as_bytes(linesep="\r\n")
    assert b"quoted-printable" not in raw
    assert max(len(line) for line in raw.split(b"\r\n")) < 998


@pytest.mark.parametrize(
    "title",
    ['PhD <b>& "quotes"</b> in ML', "Post {{ heading }} {% if %}", "\ue000heading\ue000"],
)
@pytest.mark.parametrize("manage", ["https://www.example.org/manage/{token}/?a=1&b=<2>", ""])
def test_a_digest_is_what_its_templates_render_for_that_email(job_index, settings, title, manage):
    """The templates are rendered once per branding with stand-ins (email._frame); each
    email equals a render of the templates with its own values, whatever they hold."""
    settings.NOTIFICATIONS_MANAGE_URL = manage
    branding = email_module.load_branding()
    job = email_module.RenderedJob(title=title, institution="ETH <Zürich>", text="t\n", html="h")
    for groups in (
        [email_module.Group(title, [job])],
        [email_module.Group("A", [job]), email_module.Group(title, [job, job])],
    ):
        subscriber = Subscriber(pk=7, email="ada@example.org")
        ours = email_module.digest_email(subscriber, groups, branding)
        token = email_module.manage_token(7)
        jobs = [job for group in groups for job in group.jobs]
        groups_text, groups_html = email_module._groups_text_and_html(groups, branding)
        context = {
            **email_module.digest_context(branding),
            "subject": ours.subject,
            "preheader": email_module._preheader(jobs),
            "heading": f"{len(jobs)} new job{'s' if len(jobs) != 1 else ''} for you",
            "groups_text": groups_text,
            "groups_html": groups_html,
            "manage_url": email_module.manage_url(token),
            "unsubscribe_url": email_module.unsubscribe_url(token),
        }
        assert ours.text == render_to_string("notifications/email/digest.txt", context)
        assert ours.html == render_to_string("notifications/email/digest.html", context)
        assert "\ue000" not in ours.html.replace(title, "") and title in ours.text


def test_branding_comes_from_the_site_setting(job_index, settings):
    settings.NOTIFICATIONS_PUBLIC_BASE_URL = "https://cms.example.org"
    site = Site.objects.get(is_default_site=True)
    logo = Image.objects.create(title="Logo", file=get_test_image_file(size=(720, 240)))
    EmailBranding.objects.update_or_create(
        site=site,
        defaults={
            "site_name": "Findaphd",
            "logo": logo,
            "accent_colour": "#7a1f5c",
            "postal_address": "1 Example Street\nCambridge CB2 1TN",
        },
    )
    confirmed_subscriber("reader@example.org", since=timezone.now() - dt.timedelta(minutes=1))
    publish_job(job_index, title="Lecturer in Statistics")
    digests.run_digest("INSTANT", force=True, send=digests.send_batch)

    (message,) = mail.outbox
    text, html = parts(message)
    assert "Findaphd" in text and "1 example street" in text.lower()
    assert "1 Example Street<br>Cambridge CB2 1TN" in html
    assert "background-color:#7a1f5c" in html
    assert 'src="https://cms.example.org/media/images/' in html
    assert 'width="180" height="60"' in html
    # Links in dark mode: the accent mixed with white, readable on the dark background.
    assert ".link { color: #b684a5 !important; }" in html


def test_salary_text():
    yearly = salary_text(Decimal(30000), Decimal(35000), "GBP", "YEAR")
    assert yearly == "£30,000 – £35,000 a year"  # as the frontend writes it
    assert salary_text(Decimal(19237), None, "GBP", "YEAR") == "from £19,237 a year"
    assert salary_text(None, Decimal("15.50"), "USD", "HOUR") == "up to US$15.50 an hour"
    assert salary_text(Decimal(2000), Decimal(2000), "EUR", "") == "€2,000"
    assert salary_text(Decimal(90000), None, "CHF", "YEAR") == "from CHF\u00a090,000 a year"
    assert salary_text(None, None, "", "") == ""


def test_visible_links_go_to_the_frontend_and_one_click_to_the_cms(job_index, settings):
    settings.NOTIFICATIONS_PUBLIC_BASE_URL = "https://cms.example.org"
    settings.NOTIFICATIONS_UNSUBSCRIBE_URL = "https://jobs.example.org/alerts/unsubscribe/{token}/"
    settings.NOTIFICATIONS_MANAGE_URL = "https://jobs.example.org/alerts/manage?token={token}"
    settings.NOTIFICATIONS_UNSUBSCRIBE_MAILTO = "unsubscribe@example.org"
    confirmed_subscriber("reader@example.org", since=timezone.now() - dt.timedelta(minutes=1))
    publish_job(job_index, title="Lecturer in Statistics")
    digests.run_digest("INSTANT", force=True, send=digests.send_batch)

    (message,) = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    frontend, mailto = header.split(", ")
    # The one-click URL is the frontend's page too (its middleware takes the RFC 8058 POST:
    # tests/e2e/test_frontend_design_browser.py); the CMS's own endpoint stays able to.
    assert frontend.startswith("<https://jobs.example.org/alerts/unsubscribe/")
    assert mailto == "<mailto:unsubscribe@example.org?subject=unsubscribe>"
    token = frontend.removeprefix("<https://jobs.example.org/alerts/unsubscribe/").rstrip("/>")
    for part in parts(message):
        assert f"https://jobs.example.org/alerts/unsubscribe/{token}/" in part
        assert "https://jobs.example.org/alerts/manage?token=" in part
        assert "https://cms.example.org" not in part
    assert (
        Client()
        .post(f"/alerts/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
        .status_code
        == 200
    )
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_frontend_base_url_sets_every_visible_link():
    probe = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.NOTIFICATIONS_CONFIRM_URL, s.NOTIFICATIONS_MANAGE_URL, "
        "s.NOTIFICATIONS_UNSUBSCRIBE_URL, s.NOTIFICATIONS_JOB_URL]))"
    )
    env = {**os.environ, "FRONTEND_BASE_URL": "https://jobs.example.org"}
    env.pop("NOTIFICATIONS_MANAGE_URL", None)
    env.pop("NOTIFICATIONS_JOB_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [
        "https://jobs.example.org/alerts/confirm/{token}/",
        "https://jobs.example.org/alerts/manage?token={token}",
        "https://jobs.example.org/alerts/unsubscribe/{token}/",
        "https://jobs.example.org/jobs/{slug}/",
    ]


def test_dkim_signature_verifies_after_real_smtp(job_index, settings, dkim_key):
    private, record = dkim_key
    settings.EMAIL_DKIM_PRIVATE_KEY = private
    settings.EMAIL_DKIM_SELECTOR = "mail"
    settings.EMAIL_DKIM_DOMAIN = "example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    confirmed_subscriber("reader@example.org", since=timezone.now() - dt.timedelta(minutes=1))
    publish_job(job_index, title="Lecturer in Statistics")
    with smtp_server() as (smtp, port):
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        digests.run_digest("INSTANT", force=True, send=digests.send_batch)
        ((_rcpt, raw),) = smtp.accepted

    def dns(name, timeout=5):
        assert name == b"mail._domainkey.example.org."
        return record

    signature = email.message_from_bytes(raw)["DKIM-Signature"]
    assert "list-unsubscribe-post" in signature.lower()
    assert dkim.verify(raw, dnsfunc=dns)
    assert not dkim.verify(raw.replace(b"Lecturer", b"Professor"), dnsfunc=dns)


def test_without_a_key_nothing_is_signed(job_index, settings):
    settings.EMAIL_DKIM_PRIVATE_KEY = ""
    confirmed_subscriber("reader@example.org", since=timezone.now() - dt.timedelta(minutes=1))
    publish_job(job_index, title="Lecturer in Statistics")
    digests.run_digest("INSTANT", force=True, send=digests.send_batch)
    assert b"DKIM-Signature" not in mail.outbox[0].message().as_bytes()


def test_the_confirmation_email_names_its_alert_and_says_a_button_must_be_pressed(job_index):
    ml = DisciplineFactory(name="Machine Learning")
    phd = RoleFactory(name="PhD studentship")
    subscriber = Subscriber.objects.create(email="new@example.org", consented_at=timezone.now())
    alert = add_alert(subscriber, roles=[phd], disciplines=[ml], countries=["GB"])

    title = alert_titles([alert.pk])[alert.pk]
    assert "PhD studentship" in title and "Machine Learning" in title
    for part in parts(confirmation_message(subscriber, alert)):
        assert title in part
        assert "press the button" in part
        assert "Yes, send me job alerts" in part
        assert "opening the link alone changes nothing" in part
