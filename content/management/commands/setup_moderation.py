"""Create the job moderation workflow and the "Job reviewers" group (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from content.models import JobIndexPage
from content.moderation import REVIEWERS_GROUP, ensure_job_moderation


class Command(BaseCommand):
    help = (
        "Create the “Job moderation” workflow (one approval by the “Job reviewers” group) "
        "and assign it to the job index. Add reviewers to the group in Settings › Groups."
    )

    def handle(self, *args, **options):
        if not JobIndexPage.objects.exists():
            raise CommandError("Create the job index page first (e.g. manage.py seed_demo).")
        workflow = ensure_job_moderation()
        self.stdout.write(
            f"“{workflow.name}” assigned to the job index; reviewers: group “{REVIEWERS_GROUP}”."
        )
