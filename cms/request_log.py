"""One structured log line per GraphQL request (cms/log_format.py writes it as JSON).

The line carries the operation (name and type), status, duration, SQL query count and cache
state. It never carries variables, the query text, IP addresses or headers: variables hold
emails and tokens, and the query text can hold them inline.
"""

import functools
import logging
import time

from django.db import connection

from cms.graphql.request import graphql_request

logger = logging.getLogger("cms.graphql.requests")


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def logged_graphql(view):
    """Wrap the GraphQL view (caching included) so every request is measured and logged."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        counter = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = view(request, *args, **kwargs)
        graphql = graphql_request(request)  # read once, by the cache or the view
        fields = {
            "event": "graphql_request",
            "operation": graphql.operation_name,
            "operation_type": graphql.operation_type,
            "method": request.method,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "sql_queries": counter.count,
            "cache": response.get("X-Cache", "BYPASS"),
        }
        # The message reads well in plain development logs; JSON logs carry the fields too.
        logger.info(
            "GraphQL %s %s: %s in %.1f ms, %s SQL, cache %s",
            fields["operation_type"] or "request",
            fields["operation"] or "(anonymous)",
            fields["status"],
            fields["duration_ms"],
            fields["sql_queries"],
            fields["cache"],
            extra={"fields": fields},
        )
        return response

    return wrapper
