"""A job posting's public fields, declared once.

Every place that lists a job's fields derives its list from `JOB_FIELDS`:

- the GraphQL type `JobPostingPage` (cms/graphql/jobs/types.py): one field per entry whose
  `graphql` is PLAIN, in this order; entries sharing a composite name (`salary`, `country`,
  ...) are answered by the one field the type module builds for that name;
- the listing projection's `COLUMNS` (cms/graphql/jobs/listing.py): every `listed` field;
- the digest email's job facts (notifications/email.py `JOB_FIELDS`): every `email` field;
- the import field map (content/imports/reading.py `TEXT_FIELDS` and friends): every
  `importable` field, under its model name;
- the employers' `JobPostingInput` (cms/graphql/employers.py): every field with an
  `employer` description.

tests/content/test_job_fields.py fails when a concrete field of JobPostingPage is in none of
these and not in `PRIVATE`, and when a derived list disagrees with this one.

To add a plain field: add it to the model (and its migration), add one `JobField` here, and
regenerate schema.graphql (an additive change). See docs/architecture.md.
"""

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What a field holds, which decides its GraphQL scalar and how an import reads it."""

    TEXT = "text"  # a single line (CharField, URLField, EmailField) or plain TextField
    CHOICE = "choice"  # a CharField with choices: imports accept the value or its label
    INT = "int"
    DECIMAL = "decimal"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    RICH_TEXT = "rich_text"  # HTML (RichTextField): imports sanitise it
    RELATION = "relation"  # a foreign key or many-to-many: looked up by slug or name


PLAIN = "plain"  # `graphql`: a field of its own, named after the model field (camelCase)


@dataclass(frozen=True)
class JobField:
    name: str  # the model field (also the import's CSV column and JSON key)
    kind: Kind
    description: str = ""  # the GraphQL type's description of a PLAIN field
    required: bool = False  # never null in the GraphQL type (PLAIN fields)
    # PLAIN; the name of the GraphQL field that shows it with others (salary, country, ...);
    # or None: not a field of the job type (Page fields are PageInterface's).
    graphql: str | None = PLAIN
    listed: bool = True  # the listing projection reads it as columns
    email: bool = False  # one of the facts a digest shows of a job
    importable: bool = True  # a CSV column / JSON key of imports and feeds
    employer: str | None = None  # JobPostingInput's description; None: not an input


_SALARY = "Salary or stipend."  # the four are one input, as they are one GraphQL field

JOB_FIELDS: tuple[JobField, ...] = (
    JobField("title", Kind.TEXT, graphql=None, email=True, employer="The job title, on one line."),
    JobField("institution", Kind.RELATION, graphql="institution", email=True),
    JobField(
        "department",
        Kind.TEXT,
        "Department, school or group.",
        employer="Department, school or group.",
    ),
    JobField(
        "city",
        Kind.TEXT,
        "Where the job is (the institution's city by default).",
        email=True,
        employer="City; default: the institution's.",
    ),
    JobField(
        "country",
        Kind.TEXT,
        graphql="country",
        email=True,
        employer="ISO 3166-1 alpha-2; default: the institution's.",
    ),
    JobField(
        "remote_policy",
        Kind.CHOICE,
        "ON_SITE, HYBRID or REMOTE.",
        required=True,
        email=True,
        employer="ON_SITE (default), HYBRID or REMOTE.",
    ),
    JobField("role", Kind.RELATION, graphql="role", employer="Role slug or name."),
    JobField("disciplines", Kind.RELATION, graphql="disciplines", employer="Slugs or names."),
    JobField(
        "employment_type",
        Kind.CHOICE,
        "schema.org employmentType, e.g. FULL_TIME.",
        required=True,
        employer="Default FULL_TIME.",
    ),
    JobField(
        "contract_type",
        Kind.CHOICE,
        "PERMANENT or FIXED_TERM.",
        required=True,
        employer="PERMANENT or FIXED_TERM.",
    ),
    JobField(
        "duration_months",
        Kind.INT,
        "Length of a fixed-term contract, in months.",
        employer="Length of a fixed-term contract.",
    ),
    JobField("salary_min", Kind.DECIMAL, graphql="salary", email=True, employer=_SALARY),
    JobField("salary_max", Kind.DECIMAL, graphql="salary", email=True, employer=_SALARY),
    JobField("salary_currency", Kind.TEXT, graphql="salary", email=True, employer=_SALARY),
    JobField("salary_period", Kind.CHOICE, graphql="salary", email=True, employer=_SALARY),
    JobField(
        "funded",
        Kind.BOOL,
        "Fully funded (e.g. a studentship).",
        required=True,
        email=True,
        employer="Fully funded (e.g. a studentship).",
    ),
    JobField(
        "funding_details",
        Kind.TEXT,
        "Who funds it and what the funding covers.",
        employer="Who funds it and what it covers.",
    ),
    JobField(
        "start_date", Kind.DATE, "When the job starts, if known.", employer="When the job starts."
    ),
    JobField(
        "closing_date",
        Kind.DATE,
        "Last day to apply; the job disappears after it.",
        required=True,
        email=True,
        employer="Last day to apply.",
    ),
    JobField("posted_at", Kind.DATETIME, "When the job was first published.", importable=False),
    JobField(
        "description",
        Kind.RICH_TEXT,
        "The job description (HTML).",
        required=True,
        listed=False,
        employer="HTML or plain text.",
    ),
    JobField(
        "requirements",
        Kind.RICH_TEXT,
        "What candidates need (HTML).",
        listed=False,
        employer="What candidates need (HTML or text).",
    ),
    JobField(
        "how_to_apply",
        Kind.RICH_TEXT,
        "How to apply (HTML).",
        listed=False,
        employer="How to apply (HTML or text).",
    ),
    JobField(
        "application_url",
        Kind.TEXT,
        "Where to apply online.",
        employer="Where to apply online.",
    ),
    JobField(
        "application_email",
        Kind.TEXT,
        "Where to send applications by email.",
        employer="Where to send applications.",
    ),
    JobField(
        "reference",
        Kind.TEXT,
        "The employer's reference for the job.",
        employer="Your reference; sending it again updates that posting.",
    ),
    JobField(
        "education_requirement",
        Kind.CHOICE,
        "schema.org credential category, e.g. postgraduate degree.",
        employer="e.g. postgraduate degree.",
    ),
    JobField("keywords", Kind.TEXT, graphql="keywords", employer="Keywords."),
)

# Concrete fields of JobPostingPage that are not a job's public fields: Wagtail's own page
# columns (PageInterface shows the public ones) and the JobPostingPage's link to its Page row.
PRIVATE = frozenset({"page_ptr"})

BY_NAME = {field.name: field for field in JOB_FIELDS}


def names(**flags) -> tuple[str, ...]:
    """The model names of the fields whose attributes equal `flags`, in declared order:
    `names(importable=True, kind=Kind.TEXT)`."""
    return tuple(
        field.name
        for field in JOB_FIELDS
        if all(getattr(field, key) == value for key, value in flags.items())
    )


def graphql_groups() -> dict[str, tuple[JobField, ...]]:
    """GraphQL field name (snake_case) -> the job fields it shows, in the type's order."""
    groups: dict[str, list[JobField]] = {}
    for field in JOB_FIELDS:
        if field.graphql is not None:
            groups.setdefault(field.name if field.graphql == PLAIN else field.graphql, []).append(
                field
            )
    return {name: tuple(fields) for name, fields in groups.items()}
