"""Enums of the public contract, built from the model choices so the two cannot drift."""

import graphene

from content.job_search import JobOrder as JobOrderValues
from content.models import EmploymentType as EmploymentTypeChoices
from content.models import RemotePolicy as RemotePolicyChoices


def _enum(name, choices, description):
    return graphene.Enum(
        name, [(value, value) for value in choices.values], description=description
    )


RemotePolicy = _enum("RemotePolicy", RemotePolicyChoices, "Where the work happens.")
EmploymentType = _enum("EmploymentType", EmploymentTypeChoices, "schema.org employmentType.")


class JobOrder(graphene.Enum):
    NEWEST = JobOrderValues.NEWEST
    CLOSING_SOON = JobOrderValues.CLOSING_SOON
    RELEVANCE = JobOrderValues.RELEVANCE
