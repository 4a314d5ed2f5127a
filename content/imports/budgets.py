"""What one imported file may cost a reader, checked on the raw bytes before a parser
materialises anything (content/imports/reading.py applies these to every format).

A file from outside (a feed, `import_jobs`, an API batch) is hostile until read: nesting a
few bytes deep costs a parser far more than the bytes (60 KB of `[` took ijson 2.2 GB), a
long number crashed ijson's C backend, one huge string or tag is held whole. So:
- JsonGuard and XmlGuard wrap the byte stream and refuse, as the bytes pass, nesting deeper
  than IMPORT_MAX_DEPTH, a number (or other bare JSON token) longer than
  IMPORT_MAX_NUMBER_CHARS, and a string, text or tag longer than IMPORT_MAX_FIELD_BYTES;
- RecordBudget counts what one record holds as it is built (IMPORT_MAX_RECORD_BYTES,
  IMPORT_MAX_RECORD_VALUES) and how many records a file holds (IMPORT_MAX_RECORDS);
- bounded_lines gives the CSV reader lines of at most IMPORT_MAX_RECORD_BYTES.
Every refusal is a BudgetExceeded whose message names the setting.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from django.conf import settings

READ_BYTES = 64 * 1024


class BudgetExceeded(ValueError):
    """The file goes over one of the limits; the message names it."""

    def __init__(self, what: str, setting: str, limit: int, where: str = ""):
        self.setting = setting
        at = f" {where}" if where else ""
        super().__init__(f"{what} over the limit of {setting} = {limit:,}{at}.")


@dataclass(frozen=True)
class Limits:
    depth: int
    number_chars: int
    field_bytes: int
    record_bytes: int
    record_values: int
    records: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            depth=settings.IMPORT_MAX_DEPTH,
            number_chars=settings.IMPORT_MAX_NUMBER_CHARS,
            field_bytes=settings.IMPORT_MAX_FIELD_BYTES,
            record_bytes=settings.IMPORT_MAX_RECORD_BYTES,
            record_values=settings.IMPORT_MAX_RECORD_VALUES,
            records=settings.IMPORT_MAX_RECORDS,
        )

    def check_depth(self, depth: int, where: str = "") -> None:
        if depth > self.depth:
            raise BudgetExceeded("Nesting", "IMPORT_MAX_DEPTH", self.depth, where)

    def check_field(self, size: int, where: str = "") -> None:
        if size > self.field_bytes:
            raise BudgetExceeded(
                "A string, text or tag", "IMPORT_MAX_FIELD_BYTES", self.field_bytes, where
            )

    def check_records(self, count: int) -> None:
        if count > self.records:
            raise BudgetExceeded("The number of records", "IMPORT_MAX_RECORDS", self.records)


class RecordBudget:
    """What one record has cost so far; `add` after each value, `start` for the next record."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.size = self.values = 0

    def start(self) -> None:
        self.size = self.values = 0

    def add(self, size: int, number: int, *, values: int = 1) -> None:
        self.size += size
        self.values += values
        if self.size > self.limits.record_bytes:
            raise BudgetExceeded(
                "A record",
                "IMPORT_MAX_RECORD_BYTES",
                self.limits.record_bytes,
                f"(record {number})",
            )
        if self.values > self.limits.record_values:
            raise BudgetExceeded(
                "The values of a record",
                "IMPORT_MAX_RECORD_VALUES",
                self.limits.record_values,
                f"(record {number})",
            )


class _Guard:
    """A read-only binary stream that checks each chunk before handing it on."""

    def __init__(self, stream: BinaryIO, limits: Limits):
        self.stream, self.limits, self.offset = stream, limits, 0
        self.error: BudgetExceeded | None = None

    def read(self, size: int = -1) -> bytes:
        """The next chunk, checked; past a limit, the end of the stream (the parser stops
        where it is, without seeing the chunk) and `error` says why: `check` raises it."""
        if size == 0 or self.error:  # ijson asks for 0 bytes to learn the stream is binary
            return b""
        data = self.stream.read(size if size > 0 else READ_BYTES)
        if data:
            try:
                self.scan(data)
            except BudgetExceeded as err:
                self.error = err
                return b""
            self.offset += len(data)
        return data

    def check(self) -> None:
        if self.error:
            raise self.error

    def where(self, position: int) -> str:
        return f"(at byte {self.offset + position:,})"

    def scan(self, data: bytes) -> None:
        raise NotImplementedError


# Outside strings: a quote, a bracket, or a run of a bare token (number, true, false, null).
_JSON_TOKEN = re.compile(rb'["\[\]{}]|[^\s,:"\[\]{}]+')
_JSON_STRING_STOP = re.compile(rb'[\\"]')


class JsonGuard(_Guard):
    def __init__(self, stream: BinaryIO, limits: Limits):
        super().__init__(stream, limits)
        self.depth = 0
        self.in_string = self.escaped = False
        self.run = 0  # bytes of the string or bare token being read
        self.bare_open = False  # the last chunk ended inside a bare token

    def scan(self, data: bytes) -> None:
        limits, i, end = self.limits, 0, len(data)
        while i < end:
            if self.in_string:
                if self.escaped:  # the byte after a backslash, whatever it is
                    self.escaped, self.run, i = False, self.run + 1, i + 1
                    continue
                stop = _JSON_STRING_STOP.search(data, i)
                if stop is None:
                    self.run += end - i
                    limits.check_field(self.run, self.where(end))
                    return
                self.run += stop.end() - i
                limits.check_field(self.run, self.where(stop.start()))
                if stop.group() == b"\\":
                    self.escaped = True
                else:
                    self.in_string = False
                i = stop.end()
                continue
            token = _JSON_TOKEN.search(data, i)
            if token is None:
                self.bare_open = False
                return
            kind = token.group()[:1]
            if kind == b'"':
                self.in_string, self.run, self.bare_open = True, 0, False
            elif kind in (b"[", b"{"):
                self.depth += 1
                self.bare_open = False
                limits.check_depth(self.depth, self.where(token.start()))
            elif kind in (b"]", b"}"):
                self.depth -= 1
                self.bare_open = False
            else:
                continues = self.bare_open and token.start() == 0
                self.run = (self.run if continues else 0) + token.end() - token.start()
                if self.run > limits.number_chars:
                    raise BudgetExceeded(
                        "A number",
                        "IMPORT_MAX_NUMBER_CHARS",
                        limits.number_chars,
                        self.where(token.start()),
                    )
                self.bare_open = token.end() == end
            i = token.end()


# XML, outside markup: text up to the next `<`. Inside, each construct up to its end.
_XML_ENDS = {
    "tag": re.compile(rb'[>"\']'),
    "comment": re.compile(rb"-->"),
    "cdata": re.compile(rb"]]>"),
    "pi": re.compile(rb"\?>"),
    "decl": re.compile(rb">"),
}
_XML_OPENERS = ((b"<!--", "comment"), (b"<![CDATA[", "cdata"), (b"<?", "pi"), (b"<!", "decl"))


class XmlGuard(_Guard):
    """Bounds every token expat would hold whole (a tag with its attributes, a comment, a
    processing instruction, a declaration), text runs and CDATA sections. Depth is counted
    by the reader, which sees each element start. Bytes that may begin a marker split
    across two chunks are kept (`pending`) and scanned with the next chunk."""

    def __init__(self, stream: BinaryIO, limits: Limits):
        super().__init__(stream, limits)
        self.state = "text"
        self.quote = b""
        self.run = 0
        self.pending = b""

    def scan(self, data: bytes) -> None:
        buffer = self.pending + data
        self.pending = buffer[self._scan(buffer) :]

    def _scan(self, data: bytes) -> int:
        """Checks data and returns how far it got (the rest waits for the next chunk)."""
        i, end, limits = 0, len(data), self.limits
        while i < end:
            if self.state == "text":
                lt = data.find(b"<", i)
                stop = end if lt < 0 else lt
                self.run += stop - i
                limits.check_field(self.run, self.where(stop))
                if lt < 0 or end - lt < 9:  # which construct opens is not known yet
                    return stop
                self.state, self.run, i = "tag", 0, lt + 1
                for opener, state in _XML_OPENERS:
                    if data.startswith(opener, lt):
                        self.state, i = state, lt + len(opener)
                        break
                continue
            if self.quote:  # an attribute value: `>` may appear in it
                close = data.find(self.quote, i)
                stop = end if close < 0 else close + 1
                self.run += stop - i
                limits.check_field(self.run, self.where(stop))
                if close >= 0:
                    self.quote = b""
                i = stop
                continue
            found = _XML_ENDS[self.state].search(data, i)
            if found is None:
                keep = 0 if self.state == "tag" else 2  # `-->` / `]]>` / `?>` may be split
                stop = max(end - keep, i)
                self.run += stop - i
                limits.check_field(self.run, self.where(stop))
                return stop
            self.run += found.end() - i
            limits.check_field(self.run, self.where(found.start()))
            i = found.end()
            if found.group() in (b'"', b"'"):
                self.quote = found.group()
            else:
                self.state, self.run = "text", 0
        return i


def bounded_lines(text: TextIO, limits: Limits) -> Iterator[str]:
    """The file's lines for the CSV reader, each at most IMPORT_MAX_RECORD_BYTES characters:
    a file without line breaks is refused, not read whole."""
    number = 0
    while True:
        line = text.readline(limits.record_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > limits.record_bytes:
            raise BudgetExceeded(
                "A line", "IMPORT_MAX_RECORD_BYTES", limits.record_bytes, f"(line {number})"
            )
        yield line
