"""Demo job postings, generated from role x discipline x topic x institution.

Job number n is always the same job: it draws from its own `random.Random(n)` stream, so
seeding 300 and later 1,000 jobs yields the first 300 again plus 700 new ones.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.text import slugify

from content.demo.institutions import LAB, InstitutionSeed
from content.demo.taxonomy import DISCIPLINES, DisciplineSeed

LEAF_DISCIPLINES = [d for d in DISCIPLINES if d.parent]
INDUSTRY_DISCIPLINES = [
    d for d in LEAF_DISCIPLINES if d.parent in ("computer-science", "mathematics")
]
DISCIPLINE_BY_SLUG = {d.slug: d for d in DISCIPLINES}

# (role slug, weight, yearly pay range in GBP before country and sector scaling)
ROLE_MIX = [
    ("phd", 30, (19_000, 24_000)),
    ("postdoc", 24, (36_000, 46_000)),
    ("research-fellow", 8, (38_000, 52_000)),
    ("lecturer", 12, (45_000, 60_000)),
    ("professor", 5, (75_000, 115_000)),
    ("research-scientist", 10, (60_000, 110_000)),
    ("research-engineer", 7, (48_000, 85_000)),
    ("research-assistant", 4, (27_000, 34_000)),
]
PAY_RANGE = {slug: pay for slug, _weight, pay in ROLE_MIX}
INDUSTRY_ROLES = ["research-scientist", "research-engineer", "postdoc", "research-assistant"]
INDUSTRY_PERMANENT_ROLES = {"research-scientist", "research-engineer"}
INDUSTRY_PAY_FACTOR = 1.6

# Local currency and a rough factor from UK academic pay to local academic pay.
COUNTRY_PAY = {
    "GB": ("GBP", 1.0),
    "US": ("USD", 1.45),
    "CA": ("CAD", 1.75),
    "DE": ("EUR", 1.05),
    "CH": ("CHF", 1.75),
    "FR": ("EUR", 0.9),
    "NL": ("EUR", 1.05),
    "SE": ("SEK", 11.5),
    "DK": ("DKK", 8.0),
    "FI": ("EUR", 0.95),
    "IE": ("EUR", 1.1),
    "SG": ("SGD", 1.7),
    "JP": ("JPY", 160.0),
    "CN": ("CNY", 5.5),
    "KR": ("KRW", 1500.0),
    "AU": ("AUD", 1.9),
    "IL": ("ILS", 4.0),
}
# Where doctoral candidates are employees paid by the month rather than holding a stipend.
MONTHLY_PHD_PAY = {"DE", "CH", "NL", "SE", "DK", "FI"}
FUNDERS = {
    "GB": "UK Research and Innovation (UKRI)",
    "US": "the National Science Foundation",
    "CA": "NSERC",
    "DE": "the German Research Foundation (DFG)",
    "CH": "the Swiss National Science Foundation",
    "FR": "the French National Research Agency (ANR)",
    "AU": "the Australian Research Council",
    "JP": "JSPS",
    "SG": "the National Research Foundation Singapore",
}
EU_FUNDER = "the European Research Council (ERC)"

TITLES = {
    "phd": [
        "PhD studentship in {topic}",
        "Fully funded PhD position: {Topic}",
        "PhD candidate in {discipline}: {topic}",
        "Doctoral researcher in {topic}",
    ],
    "postdoc": [
        "Postdoctoral research associate in {topic}",
        "Postdoctoral fellow, {topic}",
        "Postdoc in {discipline} ({topic})",
    ],
    "research-fellow": [
        "Research fellow in {topic}",
        "Junior research fellowship in {discipline}",
        "Senior research fellow, {topic}",
    ],
    "lecturer": [
        "Lecturer in {discipline}",
        "Assistant professor of {discipline}",
        "Lecturer in {topic}",
        "Tenure-track assistant professor in {topic}",
    ],
    "professor": [
        "Professor of {discipline}",
        "Chair in {topic}",
        "Associate professor in {discipline}",
    ],
    "research-scientist": [
        "Research scientist, {topic}",
        "Senior research scientist: {topic}",
        "Research scientist in {discipline}",
    ],
    "research-engineer": [
        "Research engineer, {topic}",
        "Research software engineer for {topic}",
    ],
    "research-assistant": [
        "Research assistant in {topic}",
        "Graduate research assistant, {discipline}",
    ],
}

OPENINGS = [
    "{institution} invites applications for a {role} working on {topic} in the {department}.",
    "The {department} at {institution} is looking for a {role} to join its work on {topic}.",
    "We are hiring a {role} in {topic} to join a growing team at {institution}.",
]
PROJECTS = [
    "The project develops new methods for {topic} and tests them on real data from partners "
    "in industry and the public sector.",
    "You will design, implement and evaluate new approaches to {topic}, and publish the "
    "results at leading venues in {discipline}.",
    "The work combines theory and experiments in {topic}, with access to a dedicated "
    "compute cluster and a strong group of collaborators.",
    "Our group studies {topic}; you will shape your own research questions within that "
    "programme and present them at international conferences.",
]
ENVIRONMENTS = [
    "{city} offers an international research community and excellent transport links.",
    "The team is small, collaborative and welcomes applicants from every background.",
    "We support flexible working, conference travel and training in teaching and supervision.",
    "You will join a department with strong links to {discipline} groups across the region.",
]
REQUIREMENTS = {
    "phd": [
        "A good first degree (or a master's) in {discipline} or a related subject",
        "Solid programming skills, ideally in Python",
        "Curiosity about {topic} and the drive to work independently",
    ],
    "research-assistant": [
        "A degree in {discipline} or a related subject",
        "Experience with data analysis and scientific programming",
    ],
    "academic": [
        "A PhD (or close to completion) in {discipline} or a related field",
        "Publications in {topic} or a closely related area",
        "The ability to communicate research to specialists and students alike",
    ],
    "industry": [
        "A PhD or equivalent research experience in {discipline}",
        "A track record in {topic}, shown by publications or open-source work",
        "Strong software engineering skills",
    ],
}
DURATIONS = {
    "phd": (36, 42, 48),
    "postdoc": (24, 24, 36),
    "research-fellow": (36, 60),
    "research-assistant": (12, 18, 24),
    "research-scientist": (12, 24),
    "research-engineer": (12, 24),
}
PERMANENT_ROLES = {"lecturer", "professor"}
FUNDED_SHARE = {"phd": 0.9, "research-fellow": 0.5}


@dataclass
class JobSpec:
    n: int
    slug: str
    title: str
    institution_id: int
    role_id: int
    discipline_ids: list[int]
    fields: dict = field(default_factory=dict)
    first_published_at: dt.datetime | None = None


@dataclass
class Catalogue:
    """The seeded taxonomy and institutions, looked up by slug, that jobs draw from."""

    institutions: list[tuple[int, InstitutionSeed]]
    role_ids: dict[str, int]
    discipline_ids: dict[str, int]


def job_slug(title: str, n: int) -> str:
    return f"{slugify(title)[:80].rstrip('-')}-{n + 1:06d}"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _round_pay(amount: float) -> Decimal:
    """Round to three significant figures, as advertised salaries are."""
    step = 10 ** max(len(str(int(amount))) - 3, 0)
    return Decimal(int(round(amount / step) * step))


def _salary(rng: random.Random, role: str, country: str, industry: bool) -> dict:
    if rng.random() < 0.12:  # some posts only say "competitive"
        return {}
    currency, factor = COUNTRY_PAY.get(country, ("USD", 1.45))
    low, high = PAY_RANGE[role]
    factor *= INDUSTRY_PAY_FACTOR if industry else 1.0
    period = "YEAR"
    if role == "phd" and country in MONTHLY_PHD_PAY:
        factor, period = factor * 1.5 / 12, "MONTH"
    start = rng.uniform(low, (low + high) / 2) * factor
    if role == "phd" and rng.random() < 0.6:  # stipends are usually one fixed figure
        amount = _round_pay(start)
        return {"salary_min": amount, "salary_max": amount, **_currency(currency, period)}
    top = start * rng.uniform(1.1, 1.35)
    return {
        "salary_min": _round_pay(start),
        "salary_max": _round_pay(top),
        **_currency(currency, period),
    }


def _currency(currency: str, period: str) -> dict:
    return {"salary_currency": currency, "salary_period": period}


def _bullets(items: list[str], **words) -> str:
    return "<ul>" + "".join(f"<li>{item.format(**words)}</li>" for item in items) + "</ul>"


def generate_job(n: int, catalogue: Catalogue, today: dt.date, now: dt.datetime) -> JobSpec:
    rng = random.Random(n)
    institution_id, inst = catalogue.institutions[rng.randrange(len(catalogue.institutions))]
    industry = inst.kind == LAB
    roles, weights = zip(*[(slug, weight) for slug, weight, _pay in ROLE_MIX], strict=True)
    role = rng.choices(roles, weights)[0]
    if industry and role not in INDUSTRY_ROLES:
        role = rng.choice(INDUSTRY_ROLES)
    discipline: DisciplineSeed = rng.choice(INDUSTRY_DISCIPLINES if industry else LEAF_DISCIPLINES)
    parent = DISCIPLINE_BY_SLUG[discipline.parent]
    topic = rng.choice(discipline.topics)
    disciplines = [discipline.slug]
    if rng.random() < 0.35:
        other = rng.choice([d for d in LEAF_DISCIPLINES if d.parent == discipline.parent])
        if other.slug != discipline.slug:
            disciplines.append(other.slug)

    role_name = {"phd": "PhD student", "lecturer": "lecturer"}.get(role, role.replace("-", " "))
    department = f"{discipline.name} research team" if industry else parent.department
    words = {
        "topic": topic,
        "Topic": _capitalise(topic),
        "discipline": discipline.name,
        "institution": inst.name,
        "role": role_name,
        "department": department,
        "city": inst.city,
    }
    title = _capitalise(rng.choice(TITLES[role]).format(**words))
    reference = f"{''.join(w[0] for w in inst.slug.split('-')).upper()}-{n + 1:06d}"

    closing = today + dt.timedelta(days=rng.randint(1, 120))
    start = (closing + dt.timedelta(days=rng.randint(30, 150))).replace(day=1)
    if start <= closing:
        start = (start + dt.timedelta(days=32)).replace(day=1)
    posted = now - dt.timedelta(seconds=rng.randint(60, 30 * 24 * 3600))

    contract = "PERMANENT" if role in PERMANENT_ROLES else "FIXED_TERM"
    if industry and role in INDUSTRY_PERMANENT_ROLES and rng.random() < 0.6:
        contract = "PERMANENT"
    duration = rng.choice(DURATIONS[role]) if contract == "FIXED_TERM" else None

    funded = rng.random() < FUNDED_SHARE.get(role, 0.0)
    salary = _salary(rng, role, inst.country, industry)
    funding_details = ""
    if funded:
        funder = FUNDERS.get(inst.country, EU_FUNDER)
        funding_details = (
            f"Funded by {funder}: tuition fees and a stipend for all {duration} months."
            if role == "phd"
            else f"A personal fellowship funded by {funder}, with a research budget."
        )

    employment = "FULL_TIME"
    if rng.random() < 0.08:
        employment = "PART_TIME"
    elif role == "research-assistant" and rng.random() < 0.4:
        employment = "TEMPORARY"
    elif industry and rng.random() < 0.1:
        employment = "CONTRACTOR"

    remote = rng.choices(["ON_SITE", "HYBRID", "REMOTE"], [65, 28, 7])[0]
    if remote == "REMOTE" and role == "phd":
        remote = "HYBRID"

    requirement_kind = (
        role if role in ("phd", "research-assistant") else "industry" if industry else "academic"
    )
    contact = f"https://apply.example.org/{inst.slug}/{reference.lower()}"
    email = f"recruitment@{inst.slug}.example.org"
    applying = rng.choices(["url", "email", "both"], [70, 20, 10])[0]
    how = "through the online application form" if applying != "email" else f"by email to {email}"
    fields = {
        "department": department,
        "city": inst.city,
        "country": inst.country,
        "remote_policy": remote,
        "employment_type": employment,
        "contract_type": contract,
        "duration_months": duration,
        "funded": funded,
        "funding_details": funding_details,
        "start_date": start,
        "closing_date": closing,
        "description": "".join(
            f"<p>{rng.choice(options).format(**words)}</p>"
            for options in (OPENINGS, PROJECTS, ENVIRONMENTS)
        ),
        "requirements": _bullets(REQUIREMENTS[requirement_kind], **words),
        "how_to_apply": (
            f"<p>Apply {how} with a CV, a covering letter and the names of two referees, "
            f"quoting reference {reference}. Applications close on {closing:%d %B %Y}.</p>"
        ),
        "application_url": contact if applying != "email" else "",
        "application_email": email if applying != "url" else "",
        "reference": reference,
        "education_requirement": (
            "bachelor degree" if role in ("phd", "research-assistant") else "postgraduate degree"
        ),
        "keywords": ", ".join(
            dict.fromkeys([topic, discipline.name.lower(), parent.name.lower(), role_name])
        ),
        **salary,
    }
    return JobSpec(
        n=n,
        slug=job_slug(title, n),
        title=title,
        institution_id=institution_id,
        role_id=catalogue.role_ids[role],
        discipline_ids=[catalogue.discipline_ids[slug] for slug in disciplines],
        fields=fields,
        first_published_at=posted,
    )
