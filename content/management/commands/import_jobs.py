"""Import job postings from CSV, XML, JSON or schema.org JobPosting JSON-LD."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from content.imports.bulk import CREATED, FAILED, UNCHANGED, UPDATED, import_rows
from content.imports.reading import ImportFileError, Mode, count_records, job_index, read_records
from content.models import Institution


class Command(BaseCommand):
    help = (
        "Import job postings from FILE (.csv, .xml with <job> elements, or .json / .jsonld "
        "with plain objects or schema.org JobPosting), within the limits of IMPORT_MAX_*. "
        "Postings are matched by institution and the employer's "
        "reference: importing again updates them, never duplicates, and skips unchanged rows. "
        "Drafts unless --publish."
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
        except ImportFileError as err:
            raise CommandError(str(err)) from err
        unit = "line" if file.lower().endswith(".csv") else "record"
        # tqdm shows rows/s and the ETA; it redraws one line with \r, which Django's
        # line-ending OutputWrapper would break, so it writes to sys.stderr itself.
        total = count_records(file) if verbosity else None
        with tqdm(total=total, unit="row", disable=verbosity == 0, file=sys.stderr) as bar:
            report = import_rows(
                read_records(file),
                mode=Mode.PUBLISH if publish else Mode.DRAFT,
                institution=owner,
                parent=parent,
                progress=bar,
            )
        for outcome in report.failures:
            for name, messages in outcome.errors.items():
                where = "" if name == "__all__" else f"{name}: "
                for message in messages:
                    self.stderr.write(f"{unit} {outcome.number}: {where}{message}")
        summary = ", ".join(
            f"{report.count(status)} {status}" for status in (CREATED, UPDATED, UNCHANGED, FAILED)
        )
        self.stdout.write(f"{report.total} {unit}s: {summary}.")
        if report.file_error:
            raise CommandError(
                f"{report.file_error} The {report.total} {unit}s before it were processed."
                if report.total
                else report.file_error
            )
        if report.failures:
            raise CommandError(f"{len(report.failures)} {unit}(s) not imported; see above.")
