"""Count every open job from scratch (content/open_counts.py): after writes that bypass the
lifecycle, e.g. bench/bulk_seed.py, or once after migrating to the kept counts."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Rebuild the kept open-job counts from the jobs as they are."

    def handle(self, *args, **options):
        from content.open_counts import rebuild

        counted = rebuild()
        self.stdout.write(f"Counted {counted} live jobs.")
