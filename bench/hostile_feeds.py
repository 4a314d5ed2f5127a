"""Peak memory of a process reading hostile import files up to FEEDS_MAX_BYTES, and of one
reading a well-formed feed at two sizes (memory must not grow with the feed).

    .venv/bin/python bench/hostile_feeds.py                  # FEEDS_MAX_BYTES (100 MB) files
    .venv/bin/python bench/hostile_feeds.py --mb 1 --no-write  # a quick check that it works

Each file is written to a temporary folder, then read by a fresh child process exactly as
`import_jobs` and a feed run read it (content/imports/reading.py, with the budgets of
content/imports/budgets.py at their settings); the child reports its records or its error,
and its peak RSS (getrusage). A child killed by a signal (the old ijson C backend segfaulted
on a long integer) shows as such. Target: every hostile file under 300 MB, no crash, and the
well-formed feed's peak flat between 1/10 of the size and the full size. Writes the "Hostile
feeds" section of docs/benchmarks.md unless --no-write. Needs a quiet machine.
"""

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- bench/hostile_feeds.py: begin -->", "<!-- bench/hostile_feeds.py: end -->"
BLOCK = 1024 * 1024
TARGET_MB = 300


def _repeat(out, piece: bytes, size: int) -> None:
    """Write `piece` repeated to about `size` bytes, a block at a time."""
    block = piece * max(1, BLOCK // len(piece))
    written = 0
    while written < size:
        pieces = -(-(size - written) // len(piece))  # whole pieces, rounded up
        chunk = block[: pieces * len(piece)]
        out.write(chunk)
        written += len(chunk)


def _posting(n: int) -> dict:
    return {
        "@type": "JobPosting",
        "title": f"PhD studentship in glaciology {n}",
        "description": "<p>" + "Ice sheets and sea level. " * 40 + "</p>",
        "validThrough": "2030-01-01T17:00:00+00:00",
        "hiringOrganization": {"@type": "Organization", "name": "University of Oxford"},
        "identifier": f"OX-{n}",
        "occupationalCategory": "phd",
    }


def _wellformed_json(out, size: int) -> None:
    out.write(b'{"@context": "https://schema.org", "@graph": [')
    written, n = 0, 0
    while written < size:
        piece = (b"," if n else b"") + json.dumps(_posting(n)).encode()
        out.write(piece)
        written += len(piece)
        n += 1
    out.write(b"]}")


def _wellformed_csv(out, size: int) -> None:
    out.write(b"title,reference,description,closing_date\n")
    written, n = 0, 0
    while written < size:
        line = f'Post {n},R{n},"{"A long description. " * 30}",2030-01-01\n'.encode()
        out.write(line)
        written += len(line)
        n += 1


def _wrapped(head: bytes, piece: bytes, tail: bytes):
    def write(out, size):
        out.write(head)
        _repeat(out, piece, size - len(head) - len(tail))
        out.write(tail)

    return write


JOB = b"<job><title>T</title><referencenumber>R1</referencenumber></job>"
END_JOB = JOB + b"</source>"
# name, file suffix, writer(out, size)
HOSTILE = [
    ("JSON: nested arrays `[[[[…`", ".json", _wrapped(b"", b"[", b"")),
    ("JSON: one long integer", ".json", _wrapped(b'[{"salary_min": ', b"1", b"}]")),
    ("JSON: one long string", ".json", _wrapped(b'[{"title": "', "é".encode(), b'"}]')),
    ("JSON: one object, many keys", ".json", _wrapped(b"{", b'"k":[1],', b'"z":1}')),
    ("JSON: junk beside @graph", ".json", _wrapped(b'{"junk": [', b'{"a": [1]},', b'0], "x": 1}')),
    ("XML: nested elements", ".xml", _wrapped(b"", b"<a>", b"")),
    ("XML: non-job elements", ".xml", _wrapped(b"<source>", b"<x>filler</x>", END_JOB)),
    ("XML: one long attribute", ".xml", _wrapped(b'<source a="', b"x>", b'">' + END_JOB)),
    ("XML: one long comment", ".xml", _wrapped(b"<source><!--", b"<>", b"-->" + END_JOB)),
    ("XML: one long text", ".xml", _wrapped(b"<source><job><t>", b"x", b"</t></job></source>")),
    ("CSV: one long line", ".csv", _wrapped(b"title,reference\n", b"x", b"\n")),
    ("CSV: one long quoted field", ".csv", _wrapped(b'title,reference\n"', b"x\n", b'",r\n')),
    ("CSV: many columns", ".csv", _wrapped(b"", b"title,", b"reference\n")),
]


def child(path: str) -> None:
    """Read the file as an import does; print what happened and the peak RSS."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from content.imports.reading import ImportFileError, read_records

    records, error = 0, ""
    try:
        for _ in read_records(path):
            records += 1
    except ImportFileError as err:
        error = str(err)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"records": records, "error": error[:160], "peak_mb": peak_kb / 1024}))


def measure(path: Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode != 0:
        return {"records": 0, "error": f"exit {result.returncode}", "peak_mb": float("nan")}
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(size: int, folder: Path) -> list[tuple[str, int, dict]]:
    rows = []
    cases = [(name, suffix, write, size) for name, suffix, write in HOSTILE]
    cases += [
        ("Well-formed JSON-LD feed (1/10)", ".json", _wellformed_json, size // 10),
        ("Well-formed JSON-LD feed", ".json", _wellformed_json, size),
        ("Well-formed CSV (1/10)", ".csv", _wellformed_csv, size // 10),
        ("Well-formed CSV", ".csv", _wellformed_csv, size),
    ]
    for name, suffix, write, bytes_ in cases:
        path = folder / f"case{suffix}"
        with path.open("wb") as out:
            write(out, bytes_)
        outcome = measure(path)
        rows.append((name, path.stat().st_size, outcome))
        print(f"{name}: {outcome}", file=sys.stderr)
        path.unlink()
    return rows


def section(rows, size: int) -> str:
    lines = [
        BEGIN,
        "## Hostile feeds (`bench/hostile_feeds.py`)",
        "",
        f"{dt.date.today()}, {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}, files of {size / BLOCK:.0f} MB (`FEEDS_MAX_BYTES`), "
        "each read by a fresh process as `import_jobs` and feed runs read them. Target: peak "
        f"RSS under {TARGET_MB} MB for every file, no crash; the well-formed feeds flat.",
        "",
        "| File | Size (MB) | Records | Outcome | Peak RSS (MB) |",
        "|---|---:|---:|---|---:|",
    ]
    for name, bytes_, outcome in rows:
        what = outcome["error"].replace("|", "\\|") or "read"
        lines.append(
            f"| {name} | {bytes_ / BLOCK:.1f} | {outcome['records']:,} | {what} "
            f"| {outcome['peak_mb']:.0f} |"
        )
    worst = max(outcome["peak_mb"] for _, _, outcome in rows)
    lines += ["", f"Worst peak: {worst:.0f} MB (target {TARGET_MB} MB).", END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--mb", type=float, help="file size in MB (default FEEDS_MAX_BYTES)")
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if args.mb:
        size = int(args.mb * BLOCK)
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.conf import settings

        size = settings.FEEDS_MAX_BYTES
    with tempfile.TemporaryDirectory() as folder:
        rows = run(size, Path(folder))
    text = section(rows, size)
    print(text)
    if not args.no_write:
        sys.path.insert(0, str(ROOT))
        from bench.report import write_section

        write_section(BEGIN, END, text)


if __name__ == "__main__":
    main()
