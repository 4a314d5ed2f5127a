"""ISO 3166 country and ISO 4217 currency look-ups (pycountry), cached in memory."""

from functools import cache

import pycountry
from django.core.exceptions import ValidationError


@cache
def country_names() -> dict[str, str]:
    names = {}
    for country in pycountry.countries:
        names[country.alpha_2] = getattr(country, "common_name", None) or country.name
    return names


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


def country_name(code: str) -> str:
    return country_names().get((code or "").upper(), "")


def country_choices() -> list[tuple[str, str]]:
    return sorted(country_names().items(), key=lambda item: item[1])


def validate_country_code(value: str) -> None:
    if value and value.upper() not in country_names():
        raise ValidationError(
            "“%(value)s” is not a country code. Use the two-letter ISO code, for example GB or US.",
            params={"value": value},
        )


def validate_currency_code(value: str) -> None:
    if value and value.upper() not in currency_codes():
        raise ValidationError(
            "“%(value)s” is not a currency code. Use the three-letter ISO code, "
            "for example EUR, GBP or USD.",
            params={"value": value},
        )
