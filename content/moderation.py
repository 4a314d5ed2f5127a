"""The "Job moderation" workflow: job postings are published by a "Job reviewers" group.

Wagtail's own workflow does the rest: editors and employers submit, reviewers are emailed
(Wagtail's workflow notifications), approve to publish or request changes with a comment,
and the submitter is emailed the outcome.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from content.models import JobIndexPage

WORKFLOW_NAME = "Job moderation"
TASK_NAME = "Review job posting"
REVIEWERS_GROUP = "Job reviewers"
REVIEWER_PAGE_PERMISSIONS = ("add", "change", "publish")


@transaction.atomic
def ensure_job_moderation() -> Workflow:
    """Create (or complete) the reviewers' group, the task and the workflow; assign it to
    every job index. Safe to run again."""
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    reviewers.permissions.add(Permission.objects.get(codename="access_admin"))
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(reviewers)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    # Workflow.workflow_tasks is a cluster relation: its .create() would not save.
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for index in JobIndexPage.objects.all():
        WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
        for permission_type in REVIEWER_PAGE_PERMISSIONS:
            if not GroupPagePermission.objects.filter(
                group=reviewers, page=index, permission__codename=f"{permission_type}_page"
            ).exists():
                GroupPagePermission.objects.create(
                    group=reviewers, page=index, permission_type=permission_type
                )
    return workflow
