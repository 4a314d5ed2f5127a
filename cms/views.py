"""GraphiQL, the in-browser query editor for the public endpoint."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse


def graphiql(request):
    if not settings.GRAPHQL_ENABLE_GRAPHIQL:
        raise Http404("GraphiQL is switched off here.")
    return render(
        request,
        "grapple/graphiql.html",
        {
            "REACT_VERSION": "18.2.0",
            "GRAPHIQL_VERSION": "2.4.7",
            "endpointURL": reverse("graphql"),
            "supports_subscriptions": False,
        },
    )
