"""The plain way of counting jobs per value: the oracle that kept counts (content/open_counts.py)
and jobFacets are checked against."""

from django.db.models import Count


def counted_by(jobs, key: str) -> dict:
    """Jobs of the queryset `jobs` per value of `key` (a field path), empty values left out."""
    rows = jobs.order_by().values_list(key).annotate(n=Count("pk", distinct=True))
    return {value: n for value, n in rows if value}
