"""GraphiQL, the in-browser query editor for the public endpoint."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse


def graphiql(request):
    if not settings.GRAPHQL_ENABLE_GRAPHIQL:
        raise Http404("GraphiQL is switched off here.")
    # Our own template: its assets are local static files, not grapple's CDN scripts.
    return render(request, "cms/graphiql.html", {"endpoint_url": reverse("graphql")})
