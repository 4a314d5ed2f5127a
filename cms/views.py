"""The public GraphQL endpoint and GraphiQL."""

import logging

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from graphene_django.views import GraphQLView, HttpError
from graphql import GraphQLError

from cms.graphql.fast_execution import FastExecutionContext
from cms.validation import validation_rules

logger = logging.getLogger("cms.graphql")

# Form and multipart bodies are what a cross-site HTML form can send without CORS asking
# first; the endpoint is CSRF-exempt, so it takes neither.
POST_CONTENT_TYPES = ("application/json", "application/graphql")
INTERNAL_ERROR = "Internal error while resolving this field; it has been logged."


def _refuse(status: int, message: str) -> HttpError:
    return HttpError(HttpResponse(status=status), message)


class PublicGraphQLView(GraphQLView):
    """graphene-django's view with the request checked before any parsing, the limits of
    cms/validation.py on every query, and no internal detail in error messages."""

    graphiql = False
    # Plain fields read straight from their objects (see the module); same answers.
    execution_context_class = FastExecutionContext

    def dispatch(self, request, *args, **kwargs):
        try:
            self.check_request(request)
        except HttpError as err:
            return self.error_response(request, err)
        return super().dispatch(request, *args, **kwargs)

    def check_request(self, request):
        limit = settings.GRAPHQL_MAX_BODY_BYTES
        if len(request.META.get("QUERY_STRING", "")) > limit:
            raise _refuse(414, f"The query string is longer than {limit} bytes.")
        if request.method != "POST":
            return
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError as err:
            raise _refuse(400, "Content-Length is not a number.") from err
        if length > limit or len(request.body) > limit:
            raise _refuse(413, f"The request body is larger than {limit} bytes.")
        if self.get_content_type(request) not in POST_CONTENT_TYPES:
            raise _refuse(415, f"POST a body of type {' or '.join(POST_CONTENT_TYPES)}.")
        try:
            request.body.decode("utf-8")
        except UnicodeDecodeError as err:  # graphene-django would let this through as a 500
            raise _refuse(400, "The request body is not UTF-8.") from err

    def error_response(self, request, err: HttpError):
        response = err.response
        response["Content-Type"] = "application/json"
        response.content = self.json_encode(request, {"errors": [self.format_error(err)]})
        return response

    def get_graphql_params(self, request, data):
        query, variables, operation_name, id_ = super().get_graphql_params(request, data)
        if query is not None and not isinstance(query, str):
            raise _refuse(400, "query must be a string.")
        if variables is not None and not isinstance(variables, dict):
            raise _refuse(400, "variables must be a JSON object.")
        if operation_name is not None and not isinstance(operation_name, str):
            raise _refuse(400, "operationName must be a string.")
        return query, variables, operation_name, id_

    def execute_graphql_request(self, request, data, query, variables, *args, **kwargs):
        # Built per request: the cost rule sizes lists from this request's variables.
        self.validation_rules = validation_rules(variables)
        return super().execute_graphql_request(request, data, query, variables, *args, **kwargs)

    @staticmethod
    def format_error(error):
        """Our own errors and graphql-core's speak for themselves; anything else a resolver
        raised is logged with its traceback and answered with a generic message."""
        if isinstance(error, HttpError):
            return {"message": error.message}
        if isinstance(error, GraphQLError):
            original = error.original_error
            if original is None or isinstance(original, GraphQLError) or not error.path:
                return error.formatted
            logger.error("GraphQL resolver failed at %s", error.path, exc_info=original)
            return {**error.formatted, "message": INTERNAL_ERROR}
        logger.error("GraphQL request failed", exc_info=error)
        return {"message": INTERNAL_ERROR}


def graphiql(request):
    if not settings.GRAPHQL_ENABLE_GRAPHIQL:
        raise Http404("GraphiQL is switched off here.")
    # Our own template: its assets are local static files, not grapple's CDN scripts.
    return render(request, "cms/graphiql.html", {"endpoint_url": reverse("graphql")})
