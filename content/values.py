"""Small value objects the models hand to the API, JSON-LD and the bench views."""

from dataclasses import dataclass
from decimal import Decimal

from content.iso import country_name


@dataclass(frozen=True)
class CountryValue:
    code: str
    job_count: int | None = None  # when already counted

    @property
    def name(self) -> str:
        return country_name(self.code)


@dataclass(frozen=True)
class SalaryValue:
    min: Decimal | None
    max: Decimal | None
    currency: str
    period: str
