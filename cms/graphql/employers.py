"""`submitJobPosting` and `submitJobPostings`: employers' systems send postings with their
institution's API key.

Every submission becomes a draft in the moderation workflow (never live), created or, for a
reference the institution already used, updated. Bad input comes back as field errors. One
posting is a batch of one: both go through the bulk import path (content/imports/bulk.py)
that feeds and `import_jobs` use, so they write, log and announce (content/lifecycle.py) the
same way; each posting is validated alone and reported alone.
"""

import graphene
from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLError

from cms.graphql.jobs.filters import EmploymentType, RemotePolicy
from content.employers.accounts import employer_for_request
from content.imports.bulk import CREATED, FAILED, import_batch
from content.job_fields import JOB_FIELDS, Kind, names
from content.models import JobPostingPage
from notifications import institutions

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


# What an employer must send, first; then every other input of content.job_fields in its
# order.
_FIRST = ("reference", "title", "description", "closing_date", "role", "disciplines")
_REQUIRED = {"reference", "title", "description", "closing_date", "role"}
# Inputs of another type than their kind's scalar (content.job_fields names them).
_INPUT_TYPES = {
    "remote_policy": RemotePolicy,
    "employment_type": EmploymentType,
    "disciplines": lambda **kwargs: graphene.List(graphene.NonNull(graphene.String), **kwargs),
    "keywords": lambda **kwargs: graphene.List(graphene.NonNull(graphene.String), **kwargs),
    "salary": SalaryInput,
}
_INPUT_SCALARS = {Kind.INT: graphene.Int, Kind.BOOL: graphene.Boolean, Kind.DATE: graphene.Date}


def _input_fields() -> dict:
    """JobPostingInput's fields: the declared employer inputs, the salary's four as one
    `salary` (a SalaryInput, as the job type shows them as one `salary`)."""
    inputs = {}
    for field in JOB_FIELDS:
        if field.employer is not None:
            inputs.setdefault("salary" if field.graphql == "salary" else field.name, field)
    fields = {}
    for name in [*_FIRST, *(name for name in inputs if name not in _FIRST)]:
        field = inputs[name]
        make = _INPUT_TYPES.get(name, _INPUT_SCALARS.get(field.kind, graphene.String))
        fields[name] = make(required=name in _REQUIRED, description=field.employer)
    return fields


JobPostingInput = type(
    "JobPostingInput",
    (graphene.InputObjectType,),
    {"__doc__": "One posting, in the fields of `JobPostingPage`.", **_input_fields()},
)


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
    for key in names(kind=Kind.DATE):  # the import reads dates as ISO text
        if flat.get(key):
            flat[key] = flat[key].isoformat()
    return {key: value for key, value in flat.items() if value is not None}


def _employer(info):
    institution = employer_for_request(info.context)
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
        [outcome] = import_batch([_flat(dict(input))], institution).outcomes
        if outcome.status == FAILED:
            return SubmitJobPostingResult(ok=False, errors=_field_errors(outcome.errors))
        page = JobPostingPage.objects.get(pk=outcome.job_id)
        state = page.current_workflow_state
        return SubmitJobPostingResult(
            ok=True,
            created=outcome.status == CREATED,
            errors=[],
            job=JobSubmission(
                id=page.pk,
                reference=page.reference,
                title=page.draft_title,
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


# --- "Post a job": an institution asks for an account ------------------------------------------


class InstitutionAccountRequestInput(graphene.InputObjectType):
    """Who asks for an institution account, for which institution."""

    institution_name = graphene.String(required=True, description="The institution's name.")
    website_url = graphene.String(required=True, description="Its website, https://...")
    contact_name = graphene.String(required=True, description="The requester's name.")
    contact_email = graphene.String(
        required=True, description="The requester's work address: the invitation goes there."
    )
    position = graphene.String(required=True, description="Their role at the institution.")
    country = graphene.String(
        description="The institution's country, ISO 3166-1 alpha-2 (e.g. GB): staff need it "
        "to list an institution we do not list yet."
    )
    message = graphene.String(description="Anything staff should know (at most 2,000 characters).")
    consent = graphene.Boolean(
        required=True,
        description="Agreement to our keeping these details to answer the request: must be true.",
    )


class InstitutionAccountRequestResult(graphene.ObjectType):
    """Taken (`ok`, with what to tell the requester: the same whoever asked before), or
    refused field by field with nothing stored."""

    ok = graphene.Boolean(required=True, description="Whether the request was taken.")
    message = graphene.String(description="What to tell the requester when it was taken.")
    errors = graphene.List(
        graphene.NonNull(FieldError), required=True, description="What to correct, by field."
    )


class RequestInstitutionAccount(graphene.Mutation):
    """Ask for an institution account; staff review it (rate limited like alert sign-ups)."""

    class Arguments:
        input = InstitutionAccountRequestInput(required=True, description="The request.")

    Output = InstitutionAccountRequestResult

    def mutate(self, info, input):
        data = dict(input)
        consent = bool(data.pop("consent", False))
        try:
            # The request, for the per-address limit (cms/visitor.py says whose address).
            message = institutions.request_account(data, consent=consent, request=info.context)
        except institutions.RequestInvalid as err:
            errors = [
                FieldError(field=to_camel_case(name), messages=messages)
                for name, messages in err.errors.items()
            ]
            return InstitutionAccountRequestResult(ok=False, errors=errors)
        return InstitutionAccountRequestResult(ok=True, message=message, errors=[])


class EmployerMutations(graphene.ObjectType):
    request_institution_account = RequestInstitutionAccount.Field(
        description='Ask for an institution account from the public "Post a job" form.'
    )
    submit_job_posting = SubmitJobPosting.Field(
        description="Submit one posting for review with an employer API key."
    )
    submit_job_postings = SubmitJobPostings.Field(
        description=f"Submit up to {MAX_BATCH} postings for review with an employer API key."
    )
