"""Writing a bench's results into its own section of docs/benchmarks.md."""

import os
import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def write_section(begin: str, end: str, text: str, doc: Path = DOC) -> None:
    """Replace the text between the `begin` and `end` markers (both included in `text` or
    not: they are added when missing), or append the section."""
    if not text.startswith(begin):
        text = f"{begin}\n{text.strip()}\n{end}"
    current = doc.read_text() if doc.exists() else "# Benchmarks\n"
    if begin in current and end in current:
        head, rest = current.split(begin, 1)
        current = head + text + rest.split(end, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    doc.write_text(current)


def write_heading_section(heading: str, text: str, doc: Path = DOC) -> None:
    """Replace the section that starts with the line `heading` (up to the next `## `), or
    append it: for benches whose section is known by its title rather than markers."""
    existing = doc.read_text() if doc.exists() else "# Benchmarks\n"
    text = text.rstrip("\n") + "\n\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(existing):
        updated = pattern.sub(lambda _m: text, existing, count=1)
    else:
        updated = existing.rstrip("\n") + "\n\n" + text
    doc.write_text(updated)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"
