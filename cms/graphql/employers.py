"""`submitJobPosting` and `submitJobPostings`: employers' systems send postings with their
institution's API key.

Every submission becomes a draft in the moderation workflow (never live), created or, for a
reference the institution already used, updated. Bad input comes back as field errors. The
batch goes through the bulk import path (content/imports/bulk.py) that feeds and
`import_jobs` use: each posting is validated alone and reported alone.
"""

import graphene
from django.db import transaction
from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLError

from cms.graphql.jobs.filters import EmploymentType, RemotePolicy
from content.employers.accounts import bearer_key, institution_for_key
from content.imports.bulk import import_batch
from content.imports.reading import Mode, prepare_job, save_job

# What fits the endpoint's limits with realistic postings (2 KB descriptions): the body limit
# (GRAPHQL_MAX_BODY_BYTES, 64 KiB) and the request's time budget (GRAPHQL_MAX_SECONDS).
# tests/cms/test_employer_batch_limits.py sends a full batch through the whole stack.
MAX_BATCH = 25


class SalaryInput(graphene.InputObjectType):
    """Pay or stipend: give a minimum, a maximum or both, with the currency."""

    min = graphene.Decimal(description="Lowest figure (a finite, non-negative number).")
    max = graphene.Decimal(description="Highest figure (a finite, non-negative number).")
    currency = graphene.String(description="ISO 4217, e.g. GBP.")
    period = graphene.String(description="YEAR, MONTH, WEEK, DAY or HOUR.")


class JobPostingInput(graphene.InputObjectType):
    """One posting, in the fields of `JobPostingPage`."""

    reference = graphene.String(
        required=True, description="Your reference; sending it again updates that posting."
    )
    title = graphene.String(required=True, description="The job title, on one line.")
    description = graphene.String(required=True, description="HTML or plain text.")
    closing_date = graphene.Date(required=True, description="Last day to apply.")
    role = graphene.String(required=True, description="Role slug or name.")
    disciplines = graphene.List(graphene.NonNull(graphene.String), description="Slugs or names.")
    department = graphene.String(description="Department, school or group.")
    city = graphene.String(description="City; default: the institution's.")
    country = graphene.String(description="ISO 3166-1 alpha-2; default: the institution's.")
    remote_policy = RemotePolicy(description="ON_SITE (default), HYBRID or REMOTE.")
    employment_type = EmploymentType(description="Default FULL_TIME.")
    contract_type = graphene.String(description="PERMANENT or FIXED_TERM.")
    duration_months = graphene.Int(description="Length of a fixed-term contract.")
    salary = SalaryInput(description="Salary or stipend.")
    funded = graphene.Boolean(description="Fully funded (e.g. a studentship).")
    funding_details = graphene.String(description="Who funds it and what it covers.")
    start_date = graphene.Date(description="When the job starts.")
    requirements = graphene.String(description="What candidates need (HTML or text).")
    how_to_apply = graphene.String(description="How to apply (HTML or text).")
    application_url = graphene.String(description="Where to apply online.")
    application_email = graphene.String(description="Where to send applications.")
    education_requirement = graphene.String(description="e.g. postgraduate degree.")
    keywords = graphene.List(graphene.NonNull(graphene.String), description="Keywords.")


class FieldError(graphene.ObjectType):
    """What is wrong with one input field."""

    field = graphene.String(required=True, description="The input field, or __all__.")
    messages = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="What to correct."
    )


class JobSubmission(graphene.ObjectType):
    """The posting as saved: a draft in moderation."""

    id = graphene.ID(required=True, description="The posting's id.")
    reference = graphene.String(required=True, description="Your reference.")
    title = graphene.String(required=True, description="Its title.")
    status = graphene.String(required=True, description="The moderation status, e.g. in_progress.")
    live = graphene.Boolean(required=True, description="Whether an earlier version is live.")


class SubmitJobPostingResult(graphene.ObjectType):
    """The outcome of one submission."""

    ok = graphene.Boolean(required=True, description="Whether the posting was saved.")
    created = graphene.Boolean(description="False when an earlier submission was updated.")
    job = graphene.Field(JobSubmission, description="The saved posting, when ok.")
    errors = graphene.List(
        graphene.NonNull(FieldError), required=True, description="Why it was not saved."
    )


# Model field names that differ from the input's.
_INPUT_NAMES = {
    "salary_min": "salary.min",
    "salary_max": "salary.max",
    "salary_currency": "salary.currency",
    "salary_period": "salary.period",
    "institution": "__all__",
}


def _flat(data: dict) -> dict:
    flat = {key: getattr(value, "value", value) for key, value in data.items() if key != "salary"}
    for key, value in (data.get("salary") or {}).items():
        flat[f"salary_{key}"] = value
    if "keywords" in flat:
        flat["keywords"] = ", ".join(flat["keywords"])
    for key in ("closing_date", "start_date"):
        if flat.get(key):
            flat[key] = flat[key].isoformat()
    return {key: value for key, value in flat.items() if value is not None}


def _employer(info):
    institution = institution_for_key(bearer_key(info.context))
    if institution is None:
        raise GraphQLError(
            "Send a valid employer API key as `Authorization: Bearer <key>`.",
            extensions={"code": "UNAUTHENTICATED"},
        )
    return institution


def _field_errors(errors: dict[str, list[str]]) -> list[FieldError]:
    return [
        FieldError(field=_INPUT_NAMES.get(name, to_camel_case(name)), messages=messages)
        for name, messages in errors.items()
    ]


class SubmitJobPosting(graphene.Mutation):
    """Submit a posting for review (`Authorization: Bearer <API key>`)."""

    class Arguments:
        input = JobPostingInput(required=True, description="The posting.")

    Output = SubmitJobPostingResult

    def mutate(self, info, input):
        institution = _employer(info)
        prepared, errors = prepare_job(_flat(dict(input)), institution=institution)
        if errors:
            return SubmitJobPostingResult(ok=False, errors=_field_errors(errors))
        with transaction.atomic():
            page = save_job(prepared, mode=Mode.MODERATE)
        state = page.current_workflow_state
        return SubmitJobPostingResult(
            ok=True,
            created=prepared.is_new,
            errors=[],
            job=JobSubmission(
                id=page.pk,
                reference=page.reference,
                title=page.title,
                status=state.status if state else "draft",
                live=page.live,
            ),
        )


class PostingOutcome(graphene.ObjectType):
    """What happened to one posting of a batch."""

    index = graphene.Int(required=True, description="Its position in the batch, from 1.")
    status = graphene.String(
        required=True, description="created, updated, unchanged (no write) or failed."
    )
    job_id = graphene.ID(description="The posting's id, unless it failed before it had one.")
    errors = graphene.List(
        graphene.NonNull(FieldError), required=True, description="Why it failed, field by field."
    )


class SubmitJobPostingsResult(graphene.ObjectType):
    """The outcome of a batch: every posting is saved or refused on its own."""

    ok = graphene.Boolean(required=True, description="Whether every posting was saved.")
    results = graphene.List(
        graphene.NonNull(PostingOutcome), required=True, description="One per posting, in order."
    )


class SubmitJobPostings(graphene.Mutation):
    """Submit up to 25 postings at once for review (`Authorization: Bearer <API key>`).
    Postings whose content is unchanged since the last submission cost no write."""

    class Arguments:
        postings = graphene.List(
            graphene.NonNull(JobPostingInput),
            required=True,
            description=f"The postings, at most {MAX_BATCH}.",
        )

    Output = SubmitJobPostingsResult

    def mutate(self, info, postings):
        institution = _employer(info)
        if len(postings) > MAX_BATCH:
            raise GraphQLError(f"Send at most {MAX_BATCH} postings per request.")
        report = import_batch([_flat(dict(posting)) for posting in postings], institution)
        results = [
            PostingOutcome(
                index=outcome.number,
                status=outcome.status,
                job_id=outcome.job_id,
                errors=_field_errors(outcome.errors),
            )
            for outcome in sorted(report.outcomes, key=lambda outcome: outcome.number)
        ]
        return SubmitJobPostingsResult(
            ok=all(result.status != "failed" for result in results), results=results
        )


class EmployerMutations(graphene.ObjectType):
    submit_job_posting = SubmitJobPosting.Field(
        description="Submit one posting for review with an employer API key."
    )
    submit_job_postings = SubmitJobPostings.Field(
        description=f"Submit up to {MAX_BATCH} postings for review with an employer API key."
    )
