"""Count every open job from scratch (content/open_counts.py): after writes that bypass the
lifecycle (bench/bulk_seed.py), or, with --if-empty, once after migrating to kept counts
(the `migrate` one-off of docker-compose.yml runs it so on every deploy)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Rebuild the open job counts the lifecycle keeps, from the jobs as they are."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only if no job has been counted yet (a database from before kept counts).",
        )

    def handle(self, *args, if_empty, **options):
        from content.models import CountedJob
        from content.open_counts import rebuild

        if if_empty and CountedJob.objects.exists():
            self.stdout.write("Open job counts are kept already.")
            return
        counted = rebuild()
        self.stdout.write(f"Counted {counted} live jobs.")
