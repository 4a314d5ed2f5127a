from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from cms.views import PublicGraphQLView, graphiql

urlpatterns = [
    path("graphql/", csrf_exempt(PublicGraphQLView.as_view()), name="graphql"),
    path("graphiql/", graphiql, name="graphiql"),
]
