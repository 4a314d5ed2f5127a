"""`python manage.py seed_demo [--jobs N]`: the demo site (see content/demo/)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from content.demo.seeding import seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo taxonomy, institutions, glossary, guides and N job postings. "
        "Only missing content is added, so running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--jobs", type=int, default=300, help="How many demo jobs should exist (default 300)."
        )

    def handle(self, *args, jobs, **options):
        if jobs < 0:
            raise CommandError("--jobs must be zero or more.")
        self.stderr.ending = ""  # tqdm redraws its line with \r; no added newlines
        try:
            report = seed_demo(
                jobs=jobs,
                progress=lambda total: tqdm(total=total, unit="job", desc="Jobs", file=self.stderr),
            )
        except ValidationError as err:
            raise CommandError(err.messages[0]) from err
        self.stdout.write(
            "Added " + ", ".join(f"{count} {name}" for name, count in vars(report).items()) + "."
        )
