"""Import job postings from CSV, JSON or schema.org JobPosting JSON-LD."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from content.importing import ImportFileError, Mode, import_records, job_index, read_records
from content.models import Institution


class Command(BaseCommand):
    help = (
        "Import job postings from FILE (.csv, or .json / .jsonld with plain objects or "
        "schema.org JobPosting). Postings are matched by institution and the employer's "
        "reference: importing again updates them, never duplicates. Drafts unless --publish."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--publish", action="store_true", help="Publish instead of drafts.")
        parser.add_argument(
            "--institution", help="Slug of the institution every posting in FILE belongs to."
        )

    def handle(self, *args, file, publish, institution, verbosity, **options):
        owner = None
        if institution:
            owner = Institution.objects.filter(slug=institution).first()
            if owner is None:
                raise CommandError(f"No institution with the slug “{institution}”.")
        try:
            parent = job_index()
            records = read_records(file)
        except ImportFileError as err:
            raise CommandError(str(err)) from err
        unit = "line" if file.lower().endswith(".csv") else "record"
        # The bar redraws one line with \r, which Django's line-ending OutputWrapper would break.
        progress = tqdm(records, unit="job", disable=verbosity == 0, file=sys.stderr)
        report = import_records(
            progress,
            mode=Mode.PUBLISH if publish else Mode.DRAFT,
            institution=owner,
            parent=parent,
        )
        for outcome in report.failures:
            for name, messages in outcome.errors.items():
                where = "" if name == "__all__" else f"{name}: "
                for message in messages:
                    self.stderr.write(f"{unit} {outcome.number}: {where}{message}")
        summary = ", ".join(
            f"{report.count(status)} {status}"
            for status in ("created", "updated", "unchanged", "failed")
        )
        self.stdout.write(f"{len(report.outcomes)} {unit}s: {summary}.")
        if report.failures:
            raise CommandError(f"{len(report.failures)} {unit}(s) not imported; see above.")
