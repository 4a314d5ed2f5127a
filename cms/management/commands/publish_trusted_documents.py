"""Publish the frontend's build manifest of GraphQL documents (a deploy step).

manage.py publish_trusted_documents frontend/src/gql/persisted-documents.json
"""

import json

from django.core.management.base import BaseCommand, CommandError

from cms.graphql.trusted_documents import ManifestError, publish


class Command(BaseCommand):
    help = "Publish a build manifest of trusted GraphQL documents ({sha256: document})."

    def add_arguments(self, parser):
        parser.add_argument("manifest", help="persisted-documents.json from the frontend's build")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="remove published documents the manifest no longer has (once no older "
            "frontend still runs)",
        )

    def handle(self, manifest, replace, **options):
        try:
            with open(manifest, encoding="utf-8") as file:
                documents = json.load(file)
        except (OSError, ValueError) as err:
            raise CommandError(f"Cannot read {manifest}: {err}") from err
        try:
            result = publish(documents, replace=replace)
        except ManifestError as err:
            raise CommandError(f"{manifest}: {err} Nothing was published.") from err
        self.stdout.write(
            f"Trusted documents: {result.added} added, {result.already} already published, "
            f"{result.removed} removed."
        )
