"""The production URLconf plus what only the benchmark needs: REST API v2 and the floor view."""

from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter

from bench.views import JobsAPIViewSet, floor_jobs
from config.urls import urlpatterns as site_urlpatterns

api_router = WagtailAPIRouter("bench_api")
api_router.register_endpoint("jobs", JobsAPIViewSet)

urlpatterns = [
    path("api/v2/", api_router.urls),
    path("bench/floor/jobs/", floor_jobs, name="bench-floor-jobs"),
    *site_urlpatterns,
]
