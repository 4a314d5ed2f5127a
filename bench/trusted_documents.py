"""CPU per GraphQL request with and without trusted documents (cms/graphql/trusted_documents.py).

    .venv/bin/python bench/trusted_documents.py            # SQLite, 1,000 demo jobs
    .venv/bin/python bench/trusted_documents.py --database-url postgres://postgres@127.0.0.1:5432/ajc_trusted

In one process (Django's test client, production settings from bench.settings, response cache
off), after migrating and seeding demo jobs once and publishing the reference frontend's
manifest, measures the process CPU per request of:
- the frontend's own documents (job search with facets, a job, the home page): sent as text by
  POST, as today's clients do, and named by `documentId` over GET;
- hostile anonymous documents, each one new (so no parse is cached): under
  GRAPHQL_TRUSTED_DOCUMENTS = "any" they are parsed, validated and priced before being
  refused or run; under "trusted" they are refused first.
Prints the table with the ratios and the load average, and writes the "Trusted documents"
section of docs/benchmarks.md unless --no-write. CPU time, not wall time: a busy machine slows
both sides alike, but read the load average before trusting small differences.
"""

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BEGIN = "<!-- bench/trusted_documents.py: begin -->"
END = "<!-- bench/trusted_documents.py: end -->"
MANIFEST = ROOT / "frontend" / "src" / "gql" / "persisted-documents.json"


def hostile_document(n: int) -> str:
    """A new document each time: many aliases and nested selections that parse, validate and
    price before the cost limit refuses them."""
    fields = " ".join(
        f"a{n}_{i}: jobs(perPage: 100) {{ items {{ title institution {{ name }} "
        f"discipline {{ name parent {{ name }} }} }} }}"
        for i in range(40)
    )
    return f"query Q{n} {{ {fields} }}"


def cpu_per_request(send, count: int) -> float:
    send(0)  # warm: imports, caches, connections
    start = time.process_time()
    for n in range(1, count + 1):
        send(n)
    return (time.process_time() - start) / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/bench_trusted.sqlite3")
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200, help="per measurement")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["GRAPHQL_CACHE_SECONDS"] = "0"
    os.environ.pop("REDIS_URL", None)
    if args.database_url.startswith("postgres"):
        from bench.jobs_api import ensure_postgres_database

        ensure_postgres_database(args.database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from bench.report import load_average, write_section
    from content.models import JobPostingPage

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", "--no-input", verbosity=0)
    if JobPostingPage.objects.count() < args.jobs:
        call_command("seed_demo", "--jobs", str(args.jobs), stdout=io.StringIO())
    if not MANIFEST.exists():
        sys.exit(f"{MANIFEST} is missing: run the frontend's codegen (npm run codegen).")
    manifest = json.loads(MANIFEST.read_text())
    call_command("publish_trusted_documents", str(MANIFEST), stdout=io.StringIO())
    by_name = {
        text.split("query ", 1)[1].split("(")[0].split(" ")[0]: (h, text)
        for h, text in manifest.items()
        if "query " in text
    }
    job = JobPostingPage.objects.live().first()
    documents = [
        ("JobSearch", {}),
        ("Job", {"slug": job.slug}),
        ("Home", {}),
    ]
    client = Client()
    load_before = load_average()
    rows = []
    for name, variables in documents:
        digest, text = by_name[name]

        def by_text(_n, text=text, variables=variables):
            response = client.post(
                "/graphql/",
                data=json.dumps({"query": text, "variables": variables}),
                content_type="application/json",
            )
            assert response.status_code == 200, response.content[:300]

        def by_id(_n, digest=digest, variables=variables):
            response = client.get(
                "/graphql/",
                {"documentId": f"sha256:{digest}", "variables": json.dumps(variables)},
            )
            assert response.status_code == 200, response.content[:300]

        rows.append(
            (
                f"{name}: text by POST vs documentId by GET",
                cpu_per_request(by_text, args.requests),
                cpu_per_request(by_id, args.requests),
            )
        )

    def hostile(mode):
        settings.GRAPHQL_TRUSTED_DOCUMENTS = mode
        offset = 10_000 if mode == "trusted" else 0

        def send(n):
            response = client.post(
                "/graphql/",
                data=json.dumps({"query": hostile_document(n + offset)}),
                content_type="application/json",
            )
            assert response.status_code in (400, 403), response.status_code

        return cpu_per_request(send, args.requests)

    label = "hostile new documents: mode any vs mode trusted"
    rows.append((label, hostile("any"), hostile("trusted")))
    settings.GRAPHQL_TRUSTED_DOCUMENTS = "any"
    load_after = load_average()

    engine = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    lines = [
        BEGIN,
        "## Trusted documents: CPU per request",
        "",
        f"`bench/trusted_documents.py --database-url {args.database_url} --jobs {args.jobs} "
        f"--requests {args.requests}` on {engine}, {time.strftime('%Y-%m-%d %H:%M UTC')}, "
        f"in-process, response cache off; load average {load_before} before, {load_after} after.",
        "",
        "| request | first (ms CPU) | second (ms CPU) | first / second |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, first, second in rows:
        lines.append(f"| {label} | {first:.2f} | {second:.2f} | {first / second:.1f}x |")
    lines.append(END)
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(BEGIN, END, text)


if __name__ == "__main__":
    main()
