"""Small GraphQL value types that the content models' `graphql_fields` return."""

from dataclasses import dataclass
from decimal import Decimal

import graphene

from content.iso import country_name


@dataclass(frozen=True)
class CountryValue:
    code: str
    job_count: int | None = None

    @property
    def name(self) -> str:
        return country_name(self.code)


class Country(graphene.ObjectType):
    code = graphene.String(required=True, description="ISO 3166-1 alpha-2 code.")
    name = graphene.String(required=True)
    job_count = graphene.Int(required=True, description="Open, published jobs in this country.")

    def resolve_job_count(self, info):
        from content.job_counts import live_job_counts

        precomputed = getattr(self, "job_count", None)
        if precomputed is not None:
            return precomputed
        return live_job_counts(info.context).countries.get(self.code, 0)


@dataclass(frozen=True)
class SalaryValue:
    min: Decimal | None
    max: Decimal | None
    currency: str
    period: str


class SalaryPeriod(graphene.Enum):
    YEAR = "YEAR"
    MONTH = "MONTH"
    WEEK = "WEEK"
    DAY = "DAY"
    HOUR = "HOUR"


class Salary(graphene.ObjectType):
    min = graphene.Float()
    max = graphene.Float()
    currency = graphene.String(required=True, description="ISO 4217 code.")
    period = graphene.String(required=True, description="YEAR, MONTH, WEEK, DAY or HOUR.")
