"""content/revision_purge.py deletes what Wagtail's `purge_revisions --days N` deletes, with
the same effects on what refers to the revisions, in statements that do not grow with them."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Revision, Task, TaskState, Workflow, WorkflowState
from wagtail.models.pages import Comment

from content.revision_purge import purge_revisions
from tests.content.factories import JobPostingPageFactory

pytestmark = pytest.mark.django_db

OLD = timezone.now() - dt.timedelta(days=400)


def revisions(page, n: int, *, old: int | None = None, same_time: bool = False) -> list:
    """`n` new revisions of `page`, the first `old` of them (all by default) made long ago,
    one day apart (or all at one moment)."""
    made = [page.save_revision() for _ in range(n)]
    for i, revision in enumerate(made[: n if old is None else old]):
        when = OLD if same_time else OLD + dt.timedelta(days=i)
        Revision.objects.filter(pk=revision.pk).update(created_at=when)
    return made


def workflow_on(page, revision, status: str, user):
    workflow = Workflow.objects.create(name=f"Review {page.pk} {status}")
    task = Task.objects.create(name=f"Approve {page.pk} {status}")
    state = WorkflowState.objects.create(
        content_object=page, content_type=page.content_type, workflow=workflow,
        status=status, requested_by=user,
    )  # fmt: skip
    task_state = TaskState.objects.create(
        workflow_state=state, revision=revision, task=task, status="approved"
    )
    WorkflowState.objects.filter(pk=state.pk).update(current_task_state=task_state)


@pytest.fixture
def board(job_index, admin_user):
    plain = JobPostingPageFactory(parent=job_index)
    first, *_ = revisions(plain, 4)  # the last is the latest: kept
    Comment.objects.create(
        page=plain, user=admin_user, text="Check the salary", contentpath="salary_min",
        revision_created=first,
    )  # fmt: skip

    live_then_draft = JobPostingPageFactory(parent=job_index)
    live, _ = revisions(live_then_draft, 2)
    live.publish()  # then a newer draft: Wagtail 7.4's command deletes the live revision
    Revision.objects.filter(object_id=str(live_then_draft.pk)).exclude(pk=live.pk).update(
        created_at=OLD + dt.timedelta(days=1)
    )

    scheduled = JobPostingPageFactory(parent=job_index)
    go_live, _ = revisions(scheduled, 2)
    Revision.objects.filter(pk=go_live.pk).update(
        approved_go_live_at=timezone.now() + dt.timedelta(days=1)
    )

    moderated = JobPostingPageFactory(parent=job_index)
    in_review, done_review, _ = revisions(moderated, 3)
    workflow_on(moderated, in_review, WorkflowState.STATUS_IN_PROGRESS, admin_user)
    workflow_on(moderated, done_review, WorkflowState.STATUS_APPROVED, admin_user)
    sent_back = JobPostingPageFactory(parent=job_index)
    needs_changes, _ = revisions(sent_back, 2)
    workflow_on(sent_back, needs_changes, WorkflowState.STATUS_NEEDS_CHANGES, admin_user)

    recent = JobPostingPageFactory(parent=job_index)
    revisions(recent, 3, old=1)  # two inside the window

    ties = JobPostingPageFactory(parent=job_index)
    revisions(ties, 3, same_time=True)  # the latest is the highest id

    lone = JobPostingPageFactory(parent=job_index)
    revisions(lone, 1)  # its only revision is its latest


def state() -> dict:
    return {
        "revisions": set(Revision.objects.values_list("pk", flat=True)),
        "comments": set(Comment.objects.values_list("pk", "revision_created_id")),
        "pages": set(Page.objects.values_list("pk", "latest_revision_id", "live_revision_id")),
        "task states": set(TaskState.objects.values_list("pk", flat=True)),
        "workflow states": set(WorkflowState.objects.values_list("pk", "current_task_state_id")),
    }


def after(purge) -> dict:
    with transaction.atomic():
        purge()
        seen = state()
        transaction.set_rollback(True)
    return seen


def test_the_same_as_wagtails_command(board):
    before = state()
    wagtails = after(lambda: call_command("purge_revisions", days=180, verbosity=0))
    ours = after(lambda: purge_revisions(180))

    assert ours == wagtails
    deleted = before["revisions"] - ours["revisions"]
    assert len(deleted) == 3 + 1 + 0 + 1 + 0 + 1 + 2 + 0  # in the order of `board`
    assert before["comments"] != ours["comments"]  # the comment moved to a kept revision
    assert before["task states"] - ours["task states"]  # the finished workflow's went


def purged(job_index, pages: int, each: int) -> tuple[int, int]:
    """Adds `pages` pages of `each` old revisions; (revisions purged, statements sent)."""
    for _ in range(pages):
        revisions(JobPostingPageFactory(parent=job_index), each)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        deleted = purge_revisions(180)
        transaction.set_rollback(True)
    return deleted, len(queries)


def test_statements_do_not_grow_with_the_revisions(job_index):
    few, few_statements = purged(job_index, pages=2, each=3)
    many, many_statements = purged(job_index, pages=6, each=8)
    assert (few, many) == (2 * 2, 2 * 2 + 6 * 7)
    assert few_statements == many_statements <= 12  # savepoints included
