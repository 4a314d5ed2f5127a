"""The three ways of listing one page of open jobs, and how to compare what they return."""

import datetime as dt
import json
from dataclasses import dataclass
from urllib.parse import urlencode

PER_PAGE = 50

JOBS_QUERY = """
query BenchJobs($perPage: Int) {
  jobs(perPage: $perPage) {
    items {
      title slug url
      institution { name slug country { code name } city websiteUrl }
      role { name slug }
      disciplines { name slug }
      country { code name }
      city remotePolicy employmentType funded closingDate postedAt
      salary { min max currency period }
    }
    pagination { total count perPage currentPage totalPages }
  }
}
"""

REST_FIELDS = (
    "_,title,slug,html_url,institution,role,disciplines,country,city,remote_policy,"
    "employment_type,funded,closing_date,posted_at,salary"
)


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    body: bytes | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Content-Type": "application/json"} if self.body else {}


ENDPOINTS = (
    Endpoint(
        "graphql",
        "POST",
        "/graphql/",
        json.dumps({"query": JOBS_QUERY, "variables": {"perPage": PER_PAGE}}).encode(),
    ),
    Endpoint(
        "rest_v2",
        "GET",
        "/api/v2/jobs/?" + urlencode({"limit": PER_PAGE, "fields": REST_FIELDS}),
    ),
    Endpoint("floor", "GET", f"/bench/floor/jobs/?perPage={PER_PAGE}"),
)


def _sorted_named(objects: list[dict]) -> list[dict]:
    return sorted(objects, key=lambda named: (named["name"], named["slug"]))


def _rest_item(item: dict) -> dict:
    """A REST API v2 item in the GraphQL shape (camelCase, site-relative url)."""
    institution = item["institution"]
    html_url = item["meta"]["html_url"]
    return {
        "title": item["title"],
        "slug": item["meta"]["slug"],
        "url": _path(html_url),
        "institution": {
            "name": institution["name"],
            "slug": institution["slug"],
            "country": institution["country"],
            "city": institution["city"],
            "websiteUrl": institution["website_url"],
        },
        "role": item["role"],
        "disciplines": _sorted_named(item["disciplines"]),
        "country": item["country"],
        "city": item["city"],
        "remotePolicy": item["remote_policy"],
        "employmentType": item["employment_type"],
        "funded": item["funded"],
        "closingDate": item["closing_date"],
        "postedAt": item["posted_at"],
        "salary": item["salary"],
    }


def _path(url: str | None) -> str | None:
    """A URL's path: the endpoints put pages on different hosts (GraphQL on the public
    frontend's, REST API v2 on the Wagtail site's)."""
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1] if url else None


def _same_precision(item: dict) -> dict:
    """DRF writes datetimes to the millisecond with a Z; compare instants to the second."""
    posted = item["postedAt"]
    if posted:
        instant = dt.datetime.fromisoformat(posted).astimezone(dt.UTC).replace(microsecond=0)
        item = {**item, "postedAt": instant.isoformat()}
    return item


def normalised(name: str, payload: dict) -> tuple[int, list[dict]]:
    """(total, items) in one shape for every endpoint, so their answers can be compared."""
    if name == "rest_v2":
        items = [_same_precision(_rest_item(item)) for item in payload["items"]]
        return payload["meta"]["total_count"], items
    if payload.get("errors"):
        raise AssertionError(f"{name} answered with errors: {payload['errors']}")
    jobs = payload["data"]["jobs"]
    items = [
        _same_precision(
            {**item, "url": _path(item["url"]), "disciplines": _sorted_named(item["disciplines"])}
        )
        for item in jobs["items"]
    ]
    return jobs["pagination"]["total"], items
