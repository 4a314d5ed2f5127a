"""`submitJobPosting`: employers' systems send postings with their institution's API key.

Every submission becomes a draft in the moderation workflow (never live), created or, for a
reference the institution already used, updated. Bad input comes back as field errors.
"""

import graphene
from django.db import transaction
from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLError

from cms.graphql.jobs.filters import EmploymentType, RemotePolicy
from content.employers import bearer_key, institution_for_key
from content.importing import Mode, prepare_job, save_job


class SalaryInput(graphene.InputObjectType):
    min = graphene.Decimal()
    max = graphene.Decimal()
    currency = graphene.String(description="ISO 4217, e.g. GBP.")
    period = graphene.String(description="YEAR, MONTH, WEEK, DAY or HOUR.")


class JobPostingInput(graphene.InputObjectType):
    reference = graphene.String(
        required=True, description="Your reference; sending it again updates that posting."
    )
    title = graphene.String(required=True)
    description = graphene.String(required=True, description="HTML or plain text.")
    closing_date = graphene.Date(required=True)
    role = graphene.String(required=True, description="Role slug or name.")
    disciplines = graphene.List(graphene.NonNull(graphene.String), description="Slugs or names.")
    department = graphene.String()
    city = graphene.String()
    country = graphene.String(description="ISO 3166-1 alpha-2; default: the institution's.")
    remote_policy = RemotePolicy()
    employment_type = EmploymentType()
    contract_type = graphene.String(description="PERMANENT or FIXED_TERM.")
    duration_months = graphene.Int()
    salary = SalaryInput()
    funded = graphene.Boolean()
    funding_details = graphene.String()
    start_date = graphene.Date()
    requirements = graphene.String()
    how_to_apply = graphene.String()
    application_url = graphene.String()
    application_email = graphene.String()
    education_requirement = graphene.String()
    keywords = graphene.List(graphene.NonNull(graphene.String))


class FieldError(graphene.ObjectType):
    field = graphene.String(required=True, description="The input field, or __all__.")
    messages = graphene.List(graphene.NonNull(graphene.String), required=True)


class JobSubmission(graphene.ObjectType):
    id = graphene.ID(required=True)
    reference = graphene.String(required=True)
    title = graphene.String(required=True)
    status = graphene.String(required=True, description="The moderation status, e.g. in_progress.")
    live = graphene.Boolean(required=True, description="Whether an earlier version is live.")


class SubmitJobPostingResult(graphene.ObjectType):
    ok = graphene.Boolean(required=True)
    created = graphene.Boolean(description="False when an earlier submission was updated.")
    job = graphene.Field(JobSubmission)
    errors = graphene.List(graphene.NonNull(FieldError), required=True)


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


def _field_errors(errors: dict[str, list[str]]) -> list[FieldError]:
    return [
        FieldError(field=_INPUT_NAMES.get(name, to_camel_case(name)), messages=messages)
        for name, messages in errors.items()
    ]


class SubmitJobPosting(graphene.Mutation):
    """Submit a posting for review (`Authorization: Bearer <API key>`)."""

    class Arguments:
        input = JobPostingInput(required=True)

    Output = SubmitJobPostingResult

    def mutate(self, info, input):
        institution = institution_for_key(bearer_key(info.context))
        if institution is None:
            raise GraphQLError(
                "Send a valid employer API key as `Authorization: Bearer <key>`.",
                extensions={"code": "UNAUTHENTICATED"},
            )
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


class EmployerMutations(graphene.ObjectType):
    submit_job_posting = SubmitJobPosting.Field()
