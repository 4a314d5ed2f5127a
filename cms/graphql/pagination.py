"""grapple's pagination shape, `{ items pagination { total count perPage ... } }`, with
validated arguments: a bad page or page size is an error, not a silent correction."""

import graphene
from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from graphql import GraphQLError
from grapple.types.structures import PaginationType


def paginated_type(name: str, item_type) -> type[graphene.ObjectType]:
    return type(
        name,
        (graphene.ObjectType,),
        {
            "items": graphene.List(graphene.NonNull(item_type), required=True),
            "pagination": graphene.Field(PaginationType, required=True),
        },
    )


def pagination_args() -> dict:
    return {
        "page": graphene.Int(description="1-based page number."),
        "per_page": graphene.Int(
            description=f"Items per page, at most {settings.GRAPHQL_MAX_PAGE_SIZE}."
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


class Page:
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


def paginate(qs, page, per_page, prepare=None) -> Page:
    """Count, then fetch only the requested slice; `prepare` adds select/prefetch to the slice."""
    page, per_page = validate_page_args(page, per_page)
    paginator = Paginator(qs, per_page)
    total = paginator.count
    try:
        object_list = paginator.page(page).object_list
    except EmptyPage:
        object_list = qs.none()
    if prepare is not None:
        object_list = prepare(object_list)
    return Page(list(object_list), total, page, per_page)
