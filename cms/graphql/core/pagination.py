"""The paginated shape of every list, `{ items pagination { total count ... } }` (grapple's),
with validated arguments: a bad page or page size is an error, not a silent correction."""

import graphene
from django.conf import settings
from graphql import GraphQLError


class PaginationType(graphene.ObjectType):
    """Where this page of results sits in the whole list."""

    total = graphene.Int(required=True, description="Items in the whole list.")
    count = graphene.Int(required=True, description="Items on this page.")
    per_page = graphene.Int(required=True, description="Page size asked for.")
    current_page = graphene.Int(required=True, description="This page's number, from 1.")
    prev_page = graphene.Int(description="The previous page's number; null on the first.")
    next_page = graphene.Int(description="The next page's number; null on the last.")
    total_pages = graphene.Int(required=True, description="Pages in the whole list (at least 1).")


def paginated_type(name: str, item_type, description: str) -> type[graphene.ObjectType]:
    return type(
        name,
        (graphene.ObjectType,),
        {
            "__doc__": description,
            "items": graphene.List(
                graphene.NonNull(item_type), required=True, description="This page's items."
            ),
            "pagination": graphene.Field(
                PaginationType, required=True, description="Totals and neighbouring pages."
            ),
        },
    )


def pagination_args() -> dict:
    return {
        "page": graphene.Int(description="Page number, from 1 (default 1)."),
        "per_page": graphene.Int(
            description=f"Items per page, 1 to {settings.GRAPHQL_MAX_PAGE_SIZE} "
            f"(default {settings.GRAPHQL_DEFAULT_PAGE_SIZE})."
        ),
    }


def validate_page_args(page: int | None, per_page: int | None) -> tuple[int, int]:
    page = 1 if page is None else page
    per_page = settings.GRAPHQL_DEFAULT_PAGE_SIZE if per_page is None else per_page
    if page < 1:
        raise GraphQLError("page must be 1 or more.")
    if not 1 <= per_page <= settings.GRAPHQL_MAX_PAGE_SIZE:
        raise GraphQLError(f"perPage must be between 1 and {settings.GRAPHQL_MAX_PAGE_SIZE}.")
    return page, per_page


class ResultPage:
    """One page of results in the shape the paginated types expect."""

    def __init__(self, items, total, page, per_page):
        total_pages = max(1, -(-total // per_page))
        self.items = items
        self.pagination = PaginationType(
            total=total,
            count=len(items),
            per_page=per_page,
            current_page=page,
            prev_page=page - 1 if page > 1 else None,
            next_page=page + 1 if page < total_pages else None,
            total_pages=total_pages,
        )


def paginate(qs, page, per_page, prepare=None, total: int | None = None) -> ResultPage:
    """Count (unless the `total` is known), then fetch only the requested slice, as
    Django's Paginator does (a page past the last is empty, the first always exists);
    `prepare` adds select/prefetch to the slice, or takes the fetched list (to prime
    loaders) when it returns None."""
    page, per_page = validate_page_args(page, per_page)
    total = qs.count() if total is None else total
    start = (page - 1) * per_page
    object_list = qs[start : start + per_page] if page == 1 or start < total else qs.none()
    if prepare is not None:
        object_list = prepare(object_list)
    return ResultPage(list(object_list), total, page, per_page)
