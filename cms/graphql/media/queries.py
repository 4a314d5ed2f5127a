"""grapple-style `image`, `images`, `document`, `documents`: public collections only."""

import graphene
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.graphql.media.types import DocumentObjectType, ImageObjectType
from cms.graphql.pages.filters import database_id, order_by
from cms.graphql.pages.types import TREE_LIST_LIMIT, tree_window
from content.search import is_search, search_queryset
from content.visibility import public_media


def media_list_args() -> dict:
    return {
        "collection": graphene.ID(description="Only items in this collection."),
        "search_query": graphene.String(description="Full-text search over titles."),
        "order": graphene.String(description="Comma-separated fields: id, title, createdAt."),
        "limit": graphene.Int(description=f"At most this many (1 to {TREE_LIST_LIMIT})."),
        "offset": graphene.Int(description="Skip this many first."),
    }


def _listed(model, info, collection=None, search_query=None, order=None, limit=None, offset=None):
    items = public_media(model.objects.all(), info.context)
    if hasattr(items, "prefetch_renditions"):
        items = items.prefetch_renditions()
    if collection is not None:
        items = items.filter(collection_id=database_id(collection, "collection"))
    if is_search(search_query):
        items = search_queryset(items, search_query)
    items = order_by(items, order) if order is not None else items.order_by("-created_at", "-pk")
    return tree_window(items, limit, offset)


def _one(model, info, id):
    return public_media(model.objects.all(), info.context).filter(pk=database_id(id)).first()


def one_field(graphql_type, noun: str) -> graphene.Field:
    return graphene.Field(
        graphql_type,
        id=graphene.ID(required=True, description=f"The {noun}'s id."),
        description=f"One public {noun} by id.",
    )


def list_field(graphql_type, noun: str) -> graphene.List:
    return graphene.List(
        graphene.NonNull(graphql_type),
        required=True,
        description=f"Public {noun}s, newest first.",
        **media_list_args(),
    )


class MediaQuery(graphene.ObjectType):
    image = one_field(ImageObjectType, "image")
    images = list_field(ImageObjectType, "image")
    document = one_field(DocumentObjectType, "document")
    documents = list_field(DocumentObjectType, "document")

    def resolve_image(root, info, id):
        return _one(get_image_model(), info, id)

    def resolve_images(root, info, **args):
        return _listed(get_image_model(), info, **args)

    def resolve_document(root, info, id):
        return _one(get_document_model(), info, id)

    def resolve_documents(root, info, **args):
        return _listed(get_document_model(), info, **args)
