"""Job postings from outside: CSV rows, JSON objects and schema.org JobPosting JSON-LD.

Reading (streamed, record by record), mapping to our field names, and validating one row
with the model's own rules. Every import writes through content/imports/bulk.py:
`manage.py import_jobs`, feeds, and the employer API (one posting is a batch of one).
`prepare_job` and `save_job` are the same posting written with Wagtail's own API, one at a
time: the reference the bulk path is compared with (tests/content/test_lifecycle.py,
bench/import_bench.py), not a route of the service.
"""

import csv
import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import BinaryIO, TextIO
from urllib.parse import urlsplit
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

import defusedxml.sax
import ijson
from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter
from wagtail.models import Page

from content.imports.budgets import (
    READ_BYTES,
    BudgetExceeded,
    JsonGuard,
    Limits,
    RecordBudget,
    XmlGuard,
    bounded_lines,
)
from content.job_fields import BY_NAME, JOB_FIELDS, Kind
from content.models import (
    Discipline,
    Institution,
    JobIndexPage,
    JobPostingPage,
    RemotePolicy,
    Role,
)

# The flat field names a CSV header or a plain JSON object may use: the model's own names of
# the importable fields (content.job_fields).
_IMPORTABLE = [field for field in JOB_FIELDS if field.importable]
TEXT_FIELDS = tuple(
    field.name
    for field in _IMPORTABLE
    if field.kind not in (Kind.RICH_TEXT, Kind.BOOL, Kind.RELATION)
)
RICH_TEXT_FIELDS = tuple(field.name for field in _IMPORTABLE if field.kind == Kind.RICH_TEXT)
BOOL_FIELDS = tuple(field.name for field in _IMPORTABLE if field.kind == Kind.BOOL)
CHOICE_FIELDS = tuple(field.name for field in _IMPORTABLE if field.kind == Kind.CHOICE)
KNOWN_KEYS = {field.name for field in _IMPORTABLE}
_NULLABLE_KINDS = (Kind.INT, Kind.DECIMAL, Kind.DATE)
_LIST_SEPARATORS = re.compile(r"[;,|]")
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"", "0", "false", "no", "n", "f"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (bad JSON, unknown format, no header)."""


@dataclass
class Record:
    """One posting as read from a file; `number` is the CSV line or the JSON record number."""

    number: int
    data: dict


# --- Reading files ---------------------------------------------------------------------------


def read_records(path: str | Path) -> Iterator[Record]:
    """CSV by extension `.csv`, XML (<job> elements) by `.xml`; anything else is read as JSON
    (a list, one object, or `@graph`). Records are read one at a time within the limits of
    content/imports/budgets.py, so memory does not grow with the file."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as text:
                yield from csv_records(text)
        elif path.suffix.lower() == ".xml":
            with path.open("rb") as stream:
                yield from xml_records(stream, XML_NAMES)
        else:
            with path.open("rb") as stream:
                yield from json_records(stream)
    except (OSError, UnicodeDecodeError) as err:
        raise ImportFileError(f"Cannot read {path}: {err}") from err


def count_records(path: str | Path) -> int | None:
    """How many records the file holds (a cheap first pass, for the progress bar's ETA)."""
    try:
        return sum(1 for _ in read_records(path))
    except ImportFileError:
        return None  # the import itself reports what is wrong


def csv_records(
    text: TextIO, mapping: dict[str, str] | None = None, limits: Limits | None = None
) -> Iterator[Record]:
    """`mapping` renames the file's columns to ours (a feed's own column names)."""
    limits = limits or Limits.from_settings()
    # Process-wide in the csv module: every reader here sets it to the same budget.
    csv.field_size_limit(limits.field_bytes)
    try:
        reader = csv.DictReader(bounded_lines(text, limits))
        if not reader.fieldnames:
            raise ImportFileError("The CSV file has no header row.")
        if len(reader.fieldnames) > limits.record_values:
            raise BudgetExceeded(
                "The header's columns", "IMPORT_MAX_RECORD_VALUES", limits.record_values
            )
        mapping = {key.strip(): value for key, value in (mapping or {}).items()}
        names = [mapping.get(name.strip(), name.strip()) for name in reader.fieldnames]
        columns = list(zip(reader.fieldnames, names, strict=True))
        unknown = [name for name in names if name not in KNOWN_KEYS]
        if unknown:
            raise ImportFileError(
                f"Unknown CSV columns: {', '.join(unknown)}. "
                f"Known: {', '.join(sorted(KNOWN_KEYS))}."
            )
        for count, row in enumerate(reader, start=1):
            limits.check_records(count)
            values = {name: (row[column] or "").strip() for column, name in columns}
            # line_num is the line the row ends on; report that (a quoted field may span lines).
            yield Record(reader.line_num, values)
    except BudgetExceeded as err:
        raise ImportFileError(str(err)) from err
    except csv.Error as err:
        message = str(err)
        if "field limit" in message:
            message = (
                f"a field is over the limit of IMPORT_MAX_FIELD_BYTES = {limits.field_bytes:,}"
            )
        raise ImportFileError(f"Invalid CSV at line {reader.line_num}: {message}") from err


# The pure-Python backend: ijson's C backend segfaults on a long integer (and the others
# need C libraries); a hostile file may cost time, never the process.
_JSON = ijson.get_backend("python")
_ENDS = {"end_map", "end_array"}
_STARTS = {"start_map", "start_array"}


def json_records(stream: BinaryIO, limits: Limits | None = None) -> Iterator[Record]:
    """Records from a JSON list, an object with an `@graph` list, or one object, built item
    by item and within budgets, so memory does not grow with the file."""
    limits = limits or Limits.from_settings()
    try:
        first = stream.read(64).lstrip()
        stream.seek(0)
        if first.startswith(b"["):
            items = _json_items(stream, "item", limits)
        else:
            items = _graph_or_object(stream, limits)
        for number, item in enumerate(items, start=1):
            yield Record(number, item if isinstance(item, dict) else {"_invalid": item})
    except BudgetExceeded as err:
        raise ImportFileError(str(err)) from err
    except (ijson.JSONError, UnicodeDecodeError) as err:
        raise ImportFileError(f"Invalid JSON: {err}") from err


def _json_items(stream: BinaryIO, prefix: str, limits: Limits) -> Iterator:
    """The values at `prefix`, each built within a RecordBudget; nothing else is built."""
    guard = JsonGuard(stream, limits)
    try:
        yield from _build(_JSON.parse(guard), prefix, limits)
    except ijson.JSONError:
        guard.check()  # the stream was cut short at a limit: that is the error to report
        raise
    guard.check()


def _build(events, prefix: str, limits: Limits) -> Iterator:
    budget, builder, count = RecordBudget(limits), None, 0
    for path, event, value in events:
        if builder is None:
            if path != prefix or event in _ENDS:
                continue
            count += 1
            limits.check_records(count)
            if event not in _STARTS:
                yield value
                continue
            builder = ijson.ObjectBuilder()
            budget.start()
        builder.event(event, value)
        budget.add(len(value) if isinstance(value, str) else 8, count)
        if path == prefix and event in _ENDS:
            yield builder.value
            builder = None


def _graph_or_object(stream: BinaryIO, limits: Limits) -> Iterator:
    found = False
    for item in _json_items(stream, "@graph.item", limits):
        found = True
        yield item
    if found:
        return
    stream.seek(0)
    (payload,) = _json_items(stream, "", limits)  # no @graph list: one posting
    if not isinstance(payload, dict) or not isinstance(payload.get("@graph", []), list):
        raise ImportFileError("Expected a JSON object, a list of objects or an @graph.")
    if "@graph" not in payload:
        yield payload


# The common board format (<source><job>...</job></source>): its element names, mapped to ours.
XML_NAMES = {
    "referencenumber": "reference",
    "company": "institution",
    "url": "application_url",
    "email": "application_email",
    "jobtype": "employment_type",
    "category": "disciplines",
    "expiration_date": "closing_date",
    "state": "department",
}


def xml_records(
    stream: BinaryIO, names: dict[str, str], limits: Limits | None = None
) -> Iterator[Record]:
    """<job> elements, numbered from 1; each child element is a field (by `names`, or its own
    name). defusedxml's SAX parser refuses DTDs, entity declarations and external
    references; nothing but the current job's fields is kept, so memory stays flat whatever
    else the file holds."""
    limits = limits or Limits.from_settings()
    jobs = _XmlJobs(names, limits)
    parser = defusedxml.sax.make_parser()
    parser.forbid_dtd = True
    parser.setContentHandler(jobs)
    guarded = XmlGuard(stream, limits)
    try:
        while chunk := guarded.read(READ_BYTES):
            parser.feed(chunk)
            yield from jobs.take()
        guarded.check()
        parser.close()
        yield from jobs.take()
    except BudgetExceeded as err:
        raise ImportFileError(str(err)) from err
    except DefusedXmlException as err:
        raise ImportFileError(f"The XML was refused: {type(err).__name__}: {err}") from err
    except SAXParseException as err:
        raise ImportFileError(f"Not valid XML: {err}") from err
    if not jobs.number:
        raise ImportFileError("The XML has no <job> elements.")


class _XmlJobs(ContentHandler):
    """Collects <job> elements' direct children's text as they are parsed."""

    def __init__(self, names: dict[str, str], limits: Limits):
        super().__init__()
        self.names, self.limits = names, limits
        self.budget = RecordBudget(limits)
        self.depth = self.number = 0
        self.job: dict | None = None
        self.job_depth = 0
        self.field: str | None = None
        self.text: list[str] = []
        self.done: list[Record] = []

    def take(self) -> list[Record]:
        done, self.done = self.done, []
        return done

    def startElement(self, name, attrs):
        self.depth += 1
        self.limits.check_depth(self.depth, f"(<{name[:50]}>)")
        if self.job is None:
            if name == "job":
                self.number += 1
                self.limits.check_records(self.number)
                self.job, self.job_depth = {}, self.depth
                self.budget.start()
            return
        self.budget.add(0, self.number)
        if self.depth == self.job_depth + 1:
            self.field, self.text = self.names.get(name.lower(), name.lower()), []

    def characters(self, content):
        if self.field is not None and self.depth == self.job_depth + 1:
            self.text.append(content)
            self.budget.add(len(content), self.number, values=0)

    def endElement(self, name):
        if self.job is not None and self.depth == self.job_depth + 1 and self.field:
            if self.field in KNOWN_KEYS:
                text = "".join(self.text).strip()
                data = self.job
                data[self.field] = f"{data[self.field]};{text}" if self.field in data else text
            self.field = None
        elif self.job is not None and self.depth == self.job_depth:
            self.done.append(Record(self.number, self.job))
            self.job = None
        self.depth -= 1


# --- schema.org JobPosting -------------------------------------------------------------------


def _first(value):
    return value[0] if isinstance(value, list) and value else value


def _text(value) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("value") or value.get("name") or ""
    return "" if value is None else str(value).strip()


def _closing_date(valid_through: str) -> str:
    """validThrough is a moment; a posting valid through midnight closed the day before
    (our own JSON-LD says the end of the closing date that way), so the round trip holds."""
    moment = parse_datetime(valid_through)
    if moment is None:
        return valid_through[:10]
    if moment.time() == dt.time.min:
        return (moment.date() - dt.timedelta(days=1)).isoformat()
    return moment.date().isoformat()


def from_json_ld(item: dict) -> dict:
    """Flat field values from a schema.org JobPosting (unknown properties are ignored)."""
    organization = _first(item.get("hiringOrganization")) or {}
    if isinstance(organization, str):
        organization = {"name": organization}
    location = _first(item.get("jobLocation")) or {}
    address = location.get("address", {}) if isinstance(location, dict) else {}
    address = _first(address) or {}
    if isinstance(address, str):
        address = {"addressLocality": address}
    salary = _first(item.get("baseSalary")) or {}
    amount = salary.get("value", {}) if isinstance(salary, dict) else {}
    if not isinstance(amount, dict):
        amount = {"value": amount}
    contact = _first(item.get("applicationContact")) or {}
    education = _first(item.get("educationRequirements"))
    if isinstance(education, dict):
        education = education.get("credentialCategory")
    remote = _text(item.get("jobLocationType")).upper() == "TELECOMMUTE"
    data = {
        "title": _text(item.get("title")),
        "description": item.get("description") or "",
        "requirements": item.get("qualifications") or item.get("skills") or "",
        "employment_type": _text(item.get("employmentType")).upper().replace("-", "_"),
        "start_date": _text(item.get("jobStartDate"))[:10],
        "closing_date": _closing_date(_text(item.get("validThrough"))),
        "institution_name": _text(organization.get("name")),
        "institution_url": _text(organization.get("sameAs") or organization.get("url")),
        "city": _text(address.get("addressLocality")),
        "country": _text(address.get("addressCountry")),
        "remote_policy": RemotePolicy.REMOTE if remote else "",
        "salary_currency": _text(salary.get("currency")) if isinstance(salary, dict) else "",
        "salary_min": _text(amount.get("minValue") or amount.get("value")),
        "salary_max": _text(amount.get("maxValue") or amount.get("value")),
        "salary_period": _text(amount.get("unitText")).upper(),
        "reference": _text(item.get("identifier")),
        "application_url": _text(item.get("url")),
        "application_email": _text(contact.get("email")) if isinstance(contact, dict) else "",
        "education_requirement": _text(education).lower(),
        "role": _text(item.get("occupationalCategory")),
        "keywords": ", ".join(item["keywords"])
        if isinstance(item.get("keywords"), list)
        else _text(item.get("keywords")),
    }
    # Our own extensions (flat names) fill what schema.org has no property for.
    data.update({key: item[key] for key in KNOWN_KEYS if key in item and not data.get(key)})
    return {key: value for key, value in data.items() if value not in ("", None)}


def normalise(data: dict) -> dict:
    """Flat field values from any supported record shape."""
    if "_invalid" in data:
        return {"_invalid": data["_invalid"]}
    if data.get("@type") == "JobPosting" or "hiringOrganization" in data:
        return from_json_ld(data)
    return {key: value for key, value in data.items() if key in KNOWN_KEYS}


# --- Resolving and validating ----------------------------------------------------------------


def _rich_text(value) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    if "<" not in text:
        paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
        return "".join(f"<p>{escape(part)}</p>" for part in paragraphs)
    return clean_html(text)


def clean_html(html: str) -> str:
    """Only the features the admin's editor allows survive (no scripts, styles or handlers):
    Wagtail's own cleaning, as the editor's form does it. Feeds repeat their paragraphs
    (boilerplate, requirements, how to apply) row after row, so the cleaning is done, and
    remembered, per top-level element: the cleaner works node by node, and a document of
    simple, matched tags is the sequence of its top-level elements (the test compares the
    two on hostile input). Anything else is cleaned whole."""
    blocks = top_level_blocks(html)
    if blocks is None:
        return _clean_block(html)
    return "".join(_clean_block(block) for block in blocks)


@functools.lru_cache(maxsize=16384)
def _clean_block(html: str) -> str:
    return _editor_html().to_database_format(html)


# A tag with a lowercase name and no attributes; any other "<" (attributes, comments,
# doctypes, capitals, "< p>") matches the bare "<" alternative.
_SIMPLE_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)>|<")
_VOID = {"br", "hr"}
# Elements whose content the HTML parser reads as raw text, not as tags.
_RAW_TEXT = {"script", "style", "textarea", "title", "xmp", "plaintext", "noscript", "iframe"}


def top_level_blocks(html: str) -> list[str] | None:
    """`html` cut after each top-level element (text between them goes with the next one),
    or None unless it is made only of text and simple tags, every one closed in order."""
    stack, blocks, start = [], [], 0
    for match in _SIMPLE_TAG.finditer(html):
        closing, name = match.groups()
        if name is None or name in _RAW_TEXT:
            return None
        if name in _VOID:
            if closing:
                return None
        elif not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return None
        elif not stack:
            blocks.append(html[start : match.end()])
            start = match.end()
    if stack:
        return None
    if start < len(html):
        blocks.append(html[start:])
    return blocks


@functools.cache
def _editor_html() -> EditorHTMLConverter:
    """One converter for the process: building it reads the feature registry, which cost
    as much as the cleaning itself when done per field."""
    return EditorHTMLConverter()


def _as_list(value) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value if str(item).strip()]
    return [item.strip() for item in _LIST_SEPARATORS.split(str(value or "")) if item.strip()]


def _host(url: str) -> str:
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.removeprefix("www.")


class _BySlugOrName:
    """Objects found by slug (of the value) or, failing that, by name in any case; each value
    looked up once (an import names the same few roles and disciplines row after row)."""

    def __init__(self, objects):
        self.by_slug, self.by_name = {}, {}
        for obj in objects:
            self.by_slug.setdefault(obj.slug, obj)
            self.by_name.setdefault(obj.name.lower(), obj)
        self.found = {}

    def get(self, value):
        key = str(value)  # what the answer depends on (a hostile JSON value may be a list)
        if key not in self.found:
            if len(self.found) >= 4096:  # memory stays flat whatever the file names
                self.found.clear()
            text = key.strip()
            self.found[key] = self.by_slug.get(slugify(text)) or self.by_name.get(text.lower())
        return self.found[key]


class Lookups:
    """Roles, disciplines and institutions, read once per import instead of once per row."""

    def __init__(self):
        self.roles = _BySlugOrName(Role.objects.all())
        self.disciplines = _BySlugOrName(Discipline.objects.all())
        institutions = list(Institution.objects.order_by("pk"))
        self.institutions = _BySlugOrName(institutions)
        self.by_host = {}
        for institution in institutions:
            if institution.website_url and _host(institution.website_url):
                self.by_host.setdefault(_host(institution.website_url), institution)

    def institution(self, data: dict) -> Institution | None:
        if data.get("institution"):
            return self.institutions.get(data["institution"])
        url = data.get("institution_url")
        if url and _host(url) in self.by_host:
            return self.by_host[_host(url)]
        if data.get("institution_name"):
            return self.institutions.get(data["institution_name"])
        return None


def _choice(value, choices) -> str:
    """Accept a choice by value or by label, any case ("Full time", "full_time")."""
    text = str(value).strip()
    as_value, as_label = text.upper().replace(" ", "_").replace("-", "_"), text.lower()
    for choice_value, label in choices:
        if as_value == choice_value.upper() or as_label == str(label).lower():
            return choice_value
    return text


def _bool(value, errors: dict, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    errors.setdefault(name, []).append(f"“{value}” is not yes or no.")
    return False


@dataclass
class ParsedRow:
    """A record mapped to our field names, with whose posting it is. Nothing read yet but the
    lookups, so a whole chunk can be matched against existing jobs in one query."""

    data: dict
    institution: Institution | None
    reference: str
    fingerprint: str
    errors: dict[str, list[str]]

    @property
    def key(self) -> tuple[int, str] | None:
        if self.institution is None or not self.reference:
            return None
        return (self.institution.pk, self.reference)


def parse_row(raw: dict, lookups: Lookups, *, institution: Institution | None = None) -> ParsedRow:
    """`institution` (an employer's API key, a feed's owner, or --institution) decides whose
    posting it is; the record may name the same institution but never another one."""
    data = normalise(raw)
    if "_invalid" in data:
        return ParsedRow({}, None, "", "", {"__all__": ["Each record must be a JSON object."]})
    errors: dict[str, list[str]] = {}
    named = lookups.institution(data) if _names_institution(data) else None
    if institution is None:
        institution = named
        if institution is None:
            name = data.get("institution") or data.get("institution_name") or ""
            errors["institution"] = [
                f"Unknown institution “{name}”." if name else "This field is required."
            ]
    elif _names_institution(data) and named != institution:
        errors["institution"] = [f"Postings here can only be for {institution.name}."]
        institution = None
    reference = str(data.get("reference") or "").strip()
    if not reference:
        errors["reference"] = [
            "Give the employer's reference: it is how a repeated import updates the posting."
        ]
    return ParsedRow(data, institution, reference, fingerprint(data, institution), errors)


def fingerprint(data: dict, institution: Institution | None) -> str:
    """A digest of the row as given: the same row imported again is recognised by it."""
    payload = json.dumps(
        [institution.pk if institution else None, data], sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


# Relations are resolved through Lookups: validating each again would cost a query per field.
_RELATIONS = [f.name for f in JobPostingPage._meta.concrete_fields if f.is_relation]
_TREE_FIELDS = ["path", "depth", "numchild", "url_path", "slug"]
# What a row does not set (Wagtail's page-wide state: publication, locking, revisions, and
# our posted_at): a new page's defaults, or an existing job's as saved. Validating these per
# row cost as much as the fields the row sets; the model's clean() still sees the whole page.
_UNSET_FIELDS = [
    f.name
    for f in JobPostingPage._meta.concrete_fields
    if not f.is_relation
    and f.name not in {*TEXT_FIELDS, *RICH_TEXT_FIELDS, *BOOL_FIELDS, *_TREE_FIELDS}
]


def fill_job(page: JobPostingPage, row: ParsedRow, lookups: Lookups) -> dict[str, list[str]]:
    """Set the row's values on the page (new, or an existing job's latest revision) and
    validate them with the model's own rules. Returns field errors; writes nothing."""
    data, errors = row.data, {name: list(messages) for name, messages in row.errors.items()}
    role = lookups.roles.get(data["role"]) if data.get("role") else None
    if data.get("role") and role is None:
        errors["role"] = [f"Unknown role “{data['role']}”."]
    elif role is None:
        errors["role"] = ["This field is required."]
    disciplines = []
    for value in _as_list(data.get("disciplines")):
        discipline = lookups.disciplines.get(value)
        if discipline is None:
            errors.setdefault("disciplines", []).append(f"Unknown discipline “{value}”.")
        else:
            disciplines.append(discipline)

    # `is None`, not falsiness: a salary or a duration of 0 is a value (and may be refused).
    values = {
        name: "" if data.get(name) is None else str(data[name]).strip() for name in TEXT_FIELDS
    }
    for name in CHOICE_FIELDS:
        if values[name]:
            values[name] = _choice(values[name], JobPostingPage._meta.get_field(name).choices)
        else:
            values[name] = JobPostingPage._meta.get_field(name).get_default()
    values["country"] = values["country"].upper()
    values["salary_currency"] = values["salary_currency"].upper()
    for name in TEXT_FIELDS:
        if BY_NAME[name].kind in _NULLABLE_KINDS:  # blank is "not given", not a value
            values[name] = values[name] or None
    for name in RICH_TEXT_FIELDS:
        values[name] = _rich_text(data.get(name))
    for name in BOOL_FIELDS:
        values[name] = _bool(data.get(name, False), errors, name)
    for name, value in values.items():
        setattr(page, name, value)
    page.institution, page.role = row.institution, role
    page.disciplines.set(disciplines)  # in memory (modelcluster) until the page is saved
    if row.institution is not None:
        # JobPostingPage.save fills these the same way; do it now so re-imports compare equal.
        page.country = page.country or row.institution.country
        page.city = page.city or row.institution.city

    try:
        page.full_clean(exclude=[*_RELATIONS, *_TREE_FIELDS, *_UNSET_FIELDS], validate_unique=False)
    except ValidationError as err:
        for name, messages in err.message_dict.items():
            # The field's validator and the model's clean() may say the same thing twice.
            errors.setdefault(name, list(dict.fromkeys(messages)))
    if (
        "closing_date" not in errors
        and isinstance(page.closing_date, dt.date)
        and page.closing_date < timezone.localdate()
    ):
        errors["closing_date"] = ["The closing date has passed."]
    return errors


def snapshot(page: JobPostingPage) -> dict:
    """What an import sets, in typed values: Decimal("20000") equals Decimal("20000.00") read
    back from a revision."""
    names = (*TEXT_FIELDS, *RICH_TEXT_FIELDS, *BOOL_FIELDS, "institution_id", "role_id")
    values = {name: getattr(page, name) for name in names}
    values["disciplines"] = sorted(d.pk for d in page.disciplines.all())
    return values


def find_existing(institution: Institution, reference: str) -> JobPostingPage | None:
    return (
        JobPostingPage.objects.filter(institution=institution, reference=reference)
        .order_by("pk")
        .first()
    )


@dataclass
class PreparedJob:
    page: JobPostingPage  # unsaved for a new posting, else the latest revision's object
    disciplines: list[Discipline]
    is_new: bool
    changed: bool


def prepare_job(
    raw: dict, *, institution: Institution | None = None, lookups: Lookups | None = None
) -> tuple[PreparedJob | None, dict[str, list[str]]]:
    """Map and validate one record (one posting at a time: the employer API's single
    submission). Returns the job ready to save, or field errors."""
    lookups = lookups or Lookups()
    row = parse_row(raw, lookups, institution=institution)
    if "__all__" in row.errors:
        return None, row.errors
    existing = find_existing(row.institution, row.reference) if row.key else None
    page = existing.get_latest_revision_as_object() if existing else JobPostingPage()
    before = snapshot(page) if existing else None
    if not existing:
        page.slug = ""  # Wagtail makes one from the title, unique under the parent, on save
    errors = fill_job(page, row, lookups)
    if errors:
        return None, errors
    changed = existing is None or before != snapshot(page)
    return PreparedJob(page, list(page.disciplines.all()), existing is None, changed), {}


def _names_institution(data: dict) -> bool:
    return any(data.get(key) for key in ("institution", "institution_name", "institution_url"))


# --- Saving --------------------------------------------------------------------------------


class Mode:
    DRAFT = "draft"
    PUBLISH = "publish"
    MODERATE = "moderate"  # save a draft and submit it to the parent's workflow


def job_index() -> JobIndexPage:
    index = JobIndexPage.objects.order_by("path").first()
    if index is None:
        raise ImportFileError("There is no job index page to put postings under.")
    return index


def save_job(prepared: PreparedJob, *, mode: str, user=None, parent: Page | None = None):
    """Create or update the posting and save a revision with Wagtail's own API (add_child,
    save_revision, publish): the one-by-one reference for the bulk path. Run inside a
    transaction."""
    page = prepared.page
    if prepared.is_new:
        page.live = mode == Mode.PUBLISH
        (parent or job_index()).add_child(instance=page)
    page.disciplines.set(prepared.disciplines)
    revision = page.save_revision(user=user, log_action=True)
    if mode == Mode.PUBLISH:
        revision.publish(user=user)
    elif mode == Mode.MODERATE:
        submit_for_moderation(page, user)
    return page


def submit_for_moderation(page: JobPostingPage, user=None) -> None:
    """Start the page's workflow on its latest revision (restarting one already running)."""
    workflow = page.get_workflow()
    # A workflow without active tasks approves (publishes) at once: never for submissions.
    if workflow is None or not workflow.tasks.filter(active=True).exists():
        raise ImproperlyConfiguredWorkflow(
            "Job postings have no moderation workflow; run `manage.py setup_moderation`."
        )
    current = page.current_workflow_state
    if current is not None:
        current.cancel(user=user)
    workflow.start(page, user)


class ImproperlyConfiguredWorkflow(Exception):
    pass
