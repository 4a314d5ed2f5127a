"""The traffic of a job-board frontend, for locust (driven by bench/load_test.py).

Each simulated visitor browses: job listings with filters, searches, job pages, facets, the
taxonomy, guides and the glossary, back to back. Slugs come from the file named
by BENCH_FIXTURES, which the driver fills from the running site before the test.
"""

import json
import os
import random

from locust import HttpUser, constant, task

FIXTURES = json.loads(open(os.environ["BENCH_FIXTURES"]).read())  # noqa: SIM115
COUNTRIES = ["GB", "US", "DE", "FR", "NL", "CA", "AU", "CH"]
SEARCHES = ["machine learning", "neuroscience", "quantum", "ecology", "economics", "robotics"]

JOB_CARD = """
fragment JobCard on JobPostingPage {
  title slug urlPath institution { name slug country { code name } } city
  country { code name } remotePolicy role { name slug } disciplines { name slug }
  employmentType salary { min max currency period } funded closingDate postedAt
}
"""
JOBS = (
    """
query Jobs($search: String, $countries: [String!], $disciplines: [String!],
           $roles: [String!], $fundedOnly: Boolean, $order: JobOrder, $page: Int) {
  jobs(search: $search, countries: $countries, disciplines: $disciplines, roles: $roles,
       fundedOnly: $fundedOnly, order: $order, page: $page, perPage: 20) {
    items { ...JobCard }
    pagination { total count perPage currentPage totalPages }
  }
}
"""
    + JOB_CARD
)
JOB = """
query Job($slug: String) {
  job(slug: $slug) {
    id title slug url institution { name websiteUrl country { code name } } department city
    role { name slug } disciplines { name slug } employmentType contractType durationMonths
    salary { min max currency period } funded fundingDetails startDate closingDate postedAt
    description requirements howToApply applicationUrl applicationEmail reference keywords
    jsonLd
  }
}
"""
FACETS = """
query Facets($countries: [String!], $roles: [String!]) {
  jobFacets(countries: $countries, roles: $roles) {
    total disciplines { slug name count } roles { slug name count }
    countries { code name count } institutions { slug name count }
  }
}
"""
DISCIPLINES = """
query Disciplines { disciplines(topLevelOnly: true) { name slug jobCount
  children { name slug jobCount } } }
"""
GUIDE = """
query Guide($slug: String) {
  guide(slug: $slug) { title subtitle summary slug body { blockType } lastReviewed jsonLd
    relatedGuides { title slug } }
}
"""
DEFINITIONS = """
query Definitions($startsWith: String) {
  definitions(startsWith: $startsWith, perPage: 50) {
    items { title term abbreviation shortDefinition slug }
    pagination { total }
  }
}
"""


def maybe(value, chance=0.5):
    return value if random.random() < chance else None


class Visitor(HttpUser):
    # No think time: each user sends its next request as soon as the last one is answered,
    # so requests/s is what the server sustains with this many requests in flight.
    wait_time = constant(0)

    def graphql(self, name: str, query: str, variables: dict, label: str | None = None):
        body = {"query": query, "variables": variables, "operationName": name}
        with self.client.post(
            "/graphql/", json=body, name=label or name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            payload = response.json()
            if payload.get("errors"):
                response.failure(payload["errors"][0].get("message", "GraphQL error"))

    @task(6)
    def browse_jobs(self):
        variables = {
            "countries": maybe([random.choice(COUNTRIES)]),
            "disciplines": maybe([random.choice(FIXTURES["disciplines"])], 0.4),
            "roles": maybe([random.choice(FIXTURES["roles"])], 0.3),
            "fundedOnly": maybe(True, 0.15),
            "order": random.choice(["NEWEST", "NEWEST", "CLOSING_SOON"]),
            "page": random.choice([1, 1, 1, 2, 3]),
        }
        self.graphql("Jobs", JOBS, {k: v for k, v in variables.items() if v is not None})

    @task(3)
    def search_jobs(self):
        variables = {
            "search": random.choice(SEARCHES),
            "countries": maybe([random.choice(COUNTRIES)], 0.3),
        }
        self.graphql(
            "Jobs", JOBS, {k: v for k, v in variables.items() if v is not None}, "Jobs (search)"
        )

    @task(5)
    def job_page(self):
        self.graphql("Job", JOB, {"slug": random.choice(FIXTURES["jobs"])})

    @task(2)
    def facets(self):
        variables = {
            "countries": maybe([random.choice(COUNTRIES)]),
            "roles": maybe([random.choice(FIXTURES["roles"])]),
        }
        self.graphql("Facets", FACETS, {k: v for k, v in variables.items() if v is not None})

    @task(1)
    def disciplines(self):
        self.graphql("Disciplines", DISCIPLINES, {})

    @task(1)
    def guide(self):
        self.graphql("Guide", GUIDE, {"slug": random.choice(FIXTURES["guides"])})

    @task(1)
    def definitions(self):
        self.graphql("Definitions", DEFINITIONS, {"startsWith": maybe(random.choice("ACDLMNPR"))})
