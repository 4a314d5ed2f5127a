from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from cms import activity
from cms.caching import cached_graphql
from cms.graphql.http import GraphQLHttpView
from cms.health import healthz
from cms.preview import admin_preview
from cms.request_log import logged_graphql
from cms.views import graphiql

urlpatterns = [
    path(
        "graphql/",
        csrf_exempt(logged_graphql(cached_graphql(GraphQLHttpView.as_view()))),
        name="graphql",
    ),
    path("healthz", healthz, name="healthz"),
    path("graphiql/", graphiql, name="graphiql"),
    path("preview/", admin_preview, name="admin_preview"),
    path("apply/<int:job_id>/", activity.apply, name="job_apply"),
    path("beacon/view/<int:job_id>/", activity.view_beacon, name="job_view_beacon"),
]
