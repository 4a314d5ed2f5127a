"""A job alert's criteria: the job filters that declare `alert` (content.job_search.FILTERS),
plus the alert's own keywords.

This module reads that declaration for everything an alert does with its criteria apart
from matching (notifications/matching.py): validating what a subscriber sends, storing it
on the JobAlert, and reading it back as the `JobFilters` a job search takes.
"""

from django.core.exceptions import ValidationError

from content.iso import validate_country_code
from content.job_search import ALERT_FILTERS, JobFilters
from notifications.models import JobAlert

MAX_VALUES = 20  # per criterion: the alert stores them as rows or in a 200-character field


class CriteriaError(ValueError):
    """A criterion the subscriber can fix; the message says how."""


def _related(job_filter):
    return JobAlert._meta.get_field(job_filter.name).related_model


def _clean(job_filter, value):
    """The filter's value as the alert stores it: model objects for slugs, codes, a choice."""
    if job_filter.kind == "choice":
        if value and value not in job_filter.choices.values:
            allowed = ", ".join(job_filter.choices.values)
            raise CriteriaError(f"{job_filter.name} must be one of {allowed}.")
        return value or ""
    items = job_filter.normalise([item.strip() for item in value or [] if item.strip()])
    if len(items) > MAX_VALUES:
        raise CriteriaError(f"An alert takes at most {MAX_VALUES} {job_filter.name}.")
    if job_filter.kind == "codes":
        for code in items:
            try:
                validate_country_code(code)
            except ValidationError as err:
                raise CriteriaError(f"Unknown country code: {code}.") from err
        return sorted(set(items))
    found = {obj.slug: obj for obj in _related(job_filter).objects.filter(slug__in=items)}
    unknown = sorted(set(items) - set(found))
    if unknown:
        raise CriteriaError(f"Unknown {job_filter.name}: {', '.join(unknown)}.")
    return [found[slug] for slug in dict.fromkeys(items)]


def validate(values: dict) -> dict:
    """Each alert criterion's value (slugs, codes or a choice, as JobAlertInput takes them),
    checked and cleaned; an absent criterion is empty (any)."""
    unknown = set(values) - {f.name for f in ALERT_FILTERS}
    if unknown:
        raise TypeError(f"Not alert criteria: {', '.join(sorted(unknown))}.")
    return {f.name: _clean(f, values.get(f.name)) for f in ALERT_FILTERS}


def _pack(values) -> str:
    """A "list" criterion's text: ",A,B," so that "is the job's value in it" is one LIKE."""
    return f",{','.join(values)}," if values else ""


def set_columns(alert: JobAlert, criteria: dict) -> None:
    """Put validated criteria kept on the alert's row in place (before it is saved)."""
    for job_filter in ALERT_FILTERS:
        value = criteria[job_filter.name]
        if job_filter.alert.stored == "list":
            setattr(alert, job_filter.name, _pack(value))
        elif job_filter.alert.stored == "value":
            setattr(alert, job_filter.name, value)
        elif job_filter.alert.stored == "tree":
            # Kept on the row so matching finds "any discipline" alerts through an index.
            alert.any_discipline = not value


def set_relations(alert: JobAlert, criteria: dict) -> None:
    """Write the many-to-many criteria of a saved alert."""
    for job_filter in ALERT_FILTERS:
        if job_filter.alert.stored in ("tree", "set"):
            getattr(alert, job_filter.name).set(criteria[job_filter.name])


def job_filters(alert: JobAlert) -> JobFilters:
    """The alert's criteria as the filters of a job search (its keywords aside)."""
    values = {}
    for job_filter in ALERT_FILTERS:
        stored = getattr(alert, job_filter.name)
        if job_filter.alert.stored in ("tree", "set"):
            stored = [obj.slug for obj in stored.all()]
        elif job_filter.alert.stored == "list":
            stored = [item for item in stored.split(",") if item]
        values[job_filter.name] = stored or None
    return JobFilters(**values)
