"""Write, check or compare the public GraphQL contract (schema.graphql at the repo root).

manage.py graphql_schema                 # write schema.graphql from the live schema
manage.py graphql_schema --out FILE      # write it to FILE instead
manage.py graphql_schema --check         # fail when schema.graphql differs from it
manage.py graphql_schema --against REF   # list breaking and dangerous changes from the
                                         # schema.graphql of git REF (e.g. origin/main)
"""

import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from graphql import build_schema, find_breaking_changes, find_dangerous_changes

from cms.graphql.schema import schema

CONTRACT = Path(settings.BASE_DIR) / "schema.graphql"


def live_contract() -> str:
    return str(schema).rstrip() + "\n"


def changes_from(old_sdl: str) -> tuple[list, list]:
    old, new = build_schema(old_sdl), build_schema(live_contract())
    return find_breaking_changes(old, new), find_dangerous_changes(old, new)


class Command(BaseCommand):
    help = "Write, check or compare schema.graphql, the committed GraphQL contract."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if it is out of date.")
        parser.add_argument("--against", metavar="REF", help="Compare with a git revision.")
        parser.add_argument("--out", metavar="FILE", help="Write the schema here instead.")

    def handle(self, *args, check=False, against=None, out=None, **options):
        if against:
            self.compare(against)
        elif check:
            if not CONTRACT.exists() or CONTRACT.read_text() != live_contract():
                raise CommandError(
                    "schema.graphql differs from the live schema; run manage.py graphql_schema."
                )
            self.stdout.write("schema.graphql matches the live schema.")
        else:
            target = Path(out) if out else CONTRACT
            target.write_text(live_contract())
            self.stdout.write(f"Wrote {target}.")

    def compare(self, ref: str):
        shown = subprocess.run(
            ["git", "show", f"{ref}:schema.graphql"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
        )
        if shown.returncode != 0:
            self.stdout.write(f"No schema.graphql at {ref}; nothing to compare.")
            return
        breaking, dangerous = changes_from(shown.stdout)
        self.stdout.write(f"Against {ref}: {len(breaking)} breaking, {len(dangerous)} dangerous.")
        for change in breaking:
            self.stdout.write(f"  BREAKING {change.type.name}: {change.description}")
        for change in dangerous:
            self.stdout.write(f"  dangerous {change.type.name}: {change.description}")
