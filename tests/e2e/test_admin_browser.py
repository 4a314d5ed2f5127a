"""In a real browser: an editor writes a job posting from a blank form, previews it and
submits it for moderation; a reviewer approves it, it goes live, and a subscriber whose
alert matches gets it in the digest from a real SMTP server."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from content.models import JobPostingPage
from content.moderation import REVIEWERS_GROUP, ensure_job_moderation
from notifications.models import JobPublication
from tests.content.factories import (
    DisciplineFactory,
    InstitutionFactory,
    JobIndexPageFactory,
    RoleFactory,
    site_root,
)
from tests.notifications.factories import confirmed_subscriber
from tests.notifications.smtp import smtp_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Postdoc in glacier dynamics"


@pytest.fixture
def site(transactional_db):
    index = JobIndexPageFactory(parent=site_root())
    ensure_job_moderation()
    editor = User.objects.create_user("eddie", "eddie@example.org", "editor-pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    reviewer = User.objects.create_user("rita", "rita@example.org", "reviewer-pw")
    reviewer.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    glaciology = DisciplineFactory(name="Glaciology", slug="glaciology")
    confirmed_subscriber("ice@example.org", disciplines=[glaciology])
    confirmed_subscriber("stars@example.org", disciplines=[DisciplineFactory(name="Astronomy")])
    return {
        "index": index,
        "institution": InstitutionFactory(name="University of Tromsø", slug="tromso"),
        "role": RoleFactory(name="Postdoc", slug="postdoc"),
    }


def log_in(page, base_url, username, password):
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/$"))


def choose(page, button, item):
    """Pick a snippet in the admin's chooser modal."""
    page.get_by_role("button", name=button).click()
    modal = page.locator(".modal-content")
    modal.get_by_role("link", name=item).click()
    expect(modal).to_be_hidden()


def test_editor_writes_previews_submits_and_reviewer_publishes(
    live_server, site, browser_pages, settings
):
    editor = browser_pages()
    log_in(editor, live_server.url, "eddie", "editor-pw")

    # From the job index in the explorer: add a child page, a job posting.
    editor.goto(f"{live_server.url}/admin/pages/{site['index'].pk}/")
    editor.get_by_role("link", name=re.compile("Add child page")).first.click()
    editor.wait_for_url(re.compile(r"/add/content/jobpostingpage/"))

    editor.fill("#id_title", TITLE)
    choose(editor, "Choose institution", "University of Tromsø")
    choose(editor, "Choose role", "Postdoc")
    editor.get_by_role("checkbox", name="Glaciology").check()
    closing = timezone.localdate() + dt.timedelta(days=45)
    editor.fill("#id_closing_date", closing.isoformat())
    editor.fill("#id_application_url", "https://uit.example/apply/42")
    editor.fill("#id_reference", "UIT-42")
    description = editor.locator("[data-contentpath='description'] [contenteditable=true]")
    description.click()
    description.type("Model how glaciers flow and calve.")

    # Preview: the side panel shows the CMS's own preview page (no frontend configured).
    editor.get_by_role("button", name=re.compile("Toggle preview", re.I)).click()
    preview = editor.frame_locator("#w-preview-iframe").frame_locator("iframe")
    expect(preview.locator("#preview-title")).to_have_text(TITLE, timeout=20_000)
    expect(preview.locator("#preview-fields")).to_contain_text("University of Tromsø")
    expect(preview.locator("#preview-json-ld")).to_contain_text('"@type": "JobPosting"')

    # Submit for moderation from the footer's action menu.
    editor.locator("footer [data-w-dropdown-target='toggle']").last.click()
    editor.get_by_role("button", name=re.compile("Submit to Job moderation")).click()
    expect(editor.locator(".messages")).to_contain_text("submitted", timeout=20_000)

    job = JobPostingPage.objects.get(title=TITLE)
    assert not job.live and job.current_workflow_state.status == "in_progress"
    assert job.institution.slug == "tromso" and job.reference == "UIT-42"

    # The reviewer approves from the dashboard's "Awaiting your review" list.
    reviewer = browser_pages()
    log_in(reviewer, live_server.url, "rita", "reviewer-pw")
    reviewer.goto(f"{live_server.url}/admin/pages/{job.pk}/edit/")
    reviewer.locator("footer [data-w-dropdown-target='toggle']").last.click()
    reviewer.get_by_role("button", name="Approve and Publish").click()
    expect(reviewer.locator(".messages")).to_contain_text("has been updated", timeout=20_000)

    job.refresh_from_db()
    assert job.live and job.current_workflow_state is None
    assert JobPublication.objects.filter(job=job).exists()  # handed to the digest pipeline

    # The digest goes out through a real SMTP server, to the matching subscriber only.
    with smtp_server() as (mailbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        call_command("send_digests", "--frequency", "INSTANT")
    assert mailbox.received() == {"ice@example.org": [TITLE]}
    # Under Playwright's sync API this body runs in a context of its own, where Django opened
    # a connection of its own: close it, or it keeps the test database from being dropped.
    connections.close_all()
