"""The two comparison points of the jobs benchmark.

* `JobsAPIViewSet`: Wagtail's REST API v2 listing open jobs, with the listing's fields declared
  as APIFields and the same select/prefetch as the GraphQL resolver (a fair, tuned baseline).
* `floor_jobs`: the floor, a plain view building the GraphQL response's JSON from one
  hand-written values() query for the page, one string aggregate for the page's disciplines
  and the count.
"""

from django.db.models import Aggregate, CharField, F, Value
from django.db.models.functions import Concat
from django.http import JsonResponse
from rest_framework import serializers
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Site

from content.iso import country_name
from content.job_search import with_job_relations
from content.models import JobPostingPage
from content.public_urls import public_base_url
from content.visibility import open_jobs

ORDER = ("-posted_at", "-pk")


# --- REST API v2 -----------------------------------------------------------------------------


class CountrySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class InstitutionSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    country = CountrySerializer(source="country_info")
    city = serializers.CharField()
    website_url = serializers.CharField()


class NamedSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class SalarySerializer(serializers.Serializer):
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    currency = serializers.CharField()
    period = serializers.CharField()


class JobsAPIViewSet(PagesAPIViewSet):
    """/api/v2/jobs/: open jobs, newest first, as the GraphQL `jobs` query lists them."""

    model = JobPostingPage
    job_fields = [
        "slug",
        ("institution", InstitutionSerializer()),
        ("role", NamedSerializer()),
        ("disciplines", NamedSerializer(many=True)),
        ("country", CountrySerializer(source="country_info")),
        "city",
        "remote_policy",
        "employment_type",
        "funded",
        "closing_date",
        "posted_at",
        ("salary", SalarySerializer(source="salary_info")),
    ]

    @classmethod
    def get_body_fields(cls, model):
        from wagtail.api import APIField

        fields = super().get_body_fields(model)
        if issubclass(model, JobPostingPage):
            fields += [
                APIField(*spec) if isinstance(spec, tuple) else APIField(spec)
                for spec in cls.job_fields
            ]
        return fields

    def get_queryset(self):
        if "order" in self.request.GET:
            raise BadRequestError("this endpoint has a fixed order")
        return with_job_relations(open_jobs(super().get_queryset())).order_by(*ORDER)


# --- The floor -------------------------------------------------------------------------------

FIELD_SEP, PAIR_SEP = "\x1f", "\x1e"


class JoinedStrings(Aggregate):
    """GROUP_CONCAT / STRING_AGG with a fixed separator, the one aggregate of the floor query."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, '" + PAIR_SEP + "')"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra)


def _page_url(url_path: str, root_paths) -> str | None:
    """What the API's `url` gives: the path below the site root, on the public base URL."""
    for root in root_paths:
        if url_path.startswith(root.root_path):
            return public_base_url() + url_path[len(root.root_path) - 1 :]
    return None


def _country(code: str) -> dict:
    return {"code": code, "name": country_name(code)}


def _disciplines(joined: str | None) -> list[dict]:
    pairs = [pair.split(FIELD_SEP, 1) for pair in (joined or "").split(PAIR_SEP) if pair]
    return [{"name": name, "slug": slug} for name, slug in sorted(pairs)]


def _salary(row: dict) -> dict | None:
    low, high = row["salary_min"], row["salary_max"]
    if low is None and high is None:
        return None
    return {
        "min": None if low is None else float(low),
        "max": None if high is None else float(high),
        "currency": row["salary_currency"],
        "period": row["salary_period"],
    }


def floor_jobs(request):
    try:
        per_page = int(request.GET.get("perPage", 20))
    except ValueError:
        per_page = 0
    if not 1 <= per_page <= 100:
        return JsonResponse({"errors": [{"message": "perPage must be 1-100"}]}, status=400)
    jobs = open_jobs()
    total = jobs.count()
    rows = list(
        jobs.order_by(*ORDER).values(
            "pk",
            "title",
            "slug",
            "url_path",
            "institution__name",
            "institution__slug",
            "institution__country",
            "institution__city",
            "institution__website_url",
            "role__name",
            "role__slug",
            "country",
            "city",
            "remote_policy",
            "employment_type",
            "funded",
            "closing_date",
            "posted_at",
            "salary_min",
            "salary_max",
            "salary_currency",
            "salary_period",
        )[:per_page]
    )
    # The one aggregate: the page's disciplines, one row per job with its pairs joined.
    disciplines = dict(
        JobPostingPage.disciplines.through.objects.filter(
            jobpostingpage_id__in=[row["pk"] for row in rows]
        )
        .values("jobpostingpage_id")
        .annotate(
            pairs=JoinedStrings(
                Concat(
                    F("discipline__name"),
                    Value(FIELD_SEP),
                    F("discipline__slug"),
                    output_field=CharField(),
                )
            )
        )
        .values_list("jobpostingpage_id", "pairs")
    )
    root_paths = Site.get_site_root_paths()
    items = []
    for row in rows:
        posted = row["posted_at"]
        items.append(
            {
                "title": row["title"],
                "slug": row["slug"],
                "url": _page_url(row["url_path"], root_paths),
                "institution": {
                    "name": row["institution__name"],
                    "slug": row["institution__slug"],
                    "country": _country(row["institution__country"]),
                    "city": row["institution__city"],
                    "websiteUrl": row["institution__website_url"],
                },
                "role": {"name": row["role__name"], "slug": row["role__slug"]},
                "disciplines": _disciplines(disciplines.get(row["pk"])),
                "country": _country(row["country"] or row["institution__country"]),
                "city": row["city"],
                "remotePolicy": row["remote_policy"],
                "employmentType": row["employment_type"],
                "funded": row["funded"],
                "closingDate": row["closing_date"].isoformat(),
                "postedAt": posted.isoformat() if posted else None,
                "salary": _salary(row),
            }
        )
    total_pages = max(1, -(-total // per_page))
    pagination = {
        "total": total,
        "count": len(items),
        "perPage": per_page,
        "currentPage": 1,
        "totalPages": total_pages,
    }
    return JsonResponse({"data": {"jobs": {"items": items, "pagination": pagination}}})
