"""The Job moderation workflow through the admin, and scheduled publishing at go-live."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content.models import JobPostingPage
from content.moderation import REVIEWERS_GROUP, WORKFLOW_NAME, ensure_job_moderation
from notifications.models import JobPublication
from tests.content.factories import JobPostingPageFactory


@pytest.fixture
def people(job_index):
    ensure_job_moderation()
    editor = User.objects.create_user("eddie", "eddie@example.org", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))  # Wagtail's: add and edit, no publish
    reviewer = User.objects.create_user("rita", "rita@example.org", "pw")
    reviewer.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    return editor, reviewer


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submit_in_admin(client, page):
    """Press "Submit to Job moderation" on the edit form, as the editor would."""
    from wagtail.test.utils.form_data import querydict_from_html

    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    data["action-submit"] = "Submit"
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]


def act(client, page, action, comment=""):
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    return client.post(url, {"comment": comment})


def draft_job(job_index, editor, **kwargs):
    job = JobPostingPageFactory(parent=job_index, live=False, owner=editor, **kwargs)
    job.save_revision(user=editor)
    return job


def test_setup_is_idempotent(people, job_index):
    out = StringIO()
    call_command("setup_moderation", stdout=out)
    assert "assigned to the job index" in out.getvalue()
    workflow = job_index.get_workflow()
    assert workflow.name == WORKFLOW_NAME
    assert [task.name for task in workflow.tasks.all()] == ["Review job posting"]


def test_submit_notify_reject_with_comment_then_approve(people, job_index, mailoutbox):
    editor, reviewer = people
    job = draft_job(job_index, editor)
    editor_client, reviewer_client = login(editor), login(reviewer)

    # The editor cannot publish: Wagtail offers no publish action and ignores one.
    url = reverse("wagtailadmin_pages:edit", args=[job.pk])
    assert "action-publish" not in editor_client.get(url).content.decode()

    submit_in_admin(editor_client, job)
    job.refresh_from_db()
    assert job.current_workflow_state.status == "in_progress" and not job.live
    to_reviewer = [mail for mail in mailoutbox if mail.to == ["rita@example.org"]]
    assert to_reviewer and job.title in to_reviewer[0].body

    # The reviewer's dashboard lists it for review.
    assert job.title in reviewer_client.get(reverse("wagtailadmin_home")).content.decode()

    mailoutbox.clear()
    act(reviewer_client, job, "reject", comment="Please add the salary range.")
    job.refresh_from_db()
    assert job.current_workflow_state.status == "needs_changes" and not job.live
    to_editor = [mail for mail in mailoutbox if mail.to == ["eddie@example.org"]]
    assert to_editor and "Please add the salary range." in to_editor[0].body

    # Resubmitted and approved: live, and the publication is recorded for the digests.
    submit_in_admin(editor_client, job)
    job.refresh_from_db()
    act(reviewer_client, job, "approve")
    job.refresh_from_db()
    assert job.live and job.current_workflow_state is None
    assert JobPublication.objects.filter(job=job).exists()


def test_only_reviewers_may_approve(people, job_index):
    editor, _ = people
    job = draft_job(job_index, editor)
    submit_in_admin(login(editor), job)
    job.refresh_from_db()
    response = act(login(editor), job, "approve")
    assert response.status_code in (302, 403)
    job.refresh_from_db()
    assert not job.live


def test_scheduled_job_goes_live_at_go_live_not_before(people, job_index, monkeypatch):
    editor, reviewer = people
    job = draft_job(job_index, editor)
    job.go_live_at = timezone.now() + dt.timedelta(hours=2)
    job.save_revision(user=reviewer).publish(user=reviewer)
    job.refresh_from_db()
    assert not job.live
    assert not JobPublication.objects.filter(job=job).exists()  # no digest before go-live

    call_command("publish_scheduled")
    job.refresh_from_db()
    assert not job.live

    # Three hours later, by the clock Wagtail reads, the scheduler publishes it.
    later = timezone.now() + dt.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("publish_scheduled")
    job = JobPostingPage.objects.get(pk=job.pk)
    assert job.live
    assert JobPublication.objects.filter(job=job).exists()
