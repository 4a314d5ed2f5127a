"""grapple's `images` and `documents`, limited to public collections in the query itself.

grapple excludes only collections that carry a view restriction themselves (not those under
one), and its `searchQuery` fails on documents: the search backend cannot apply the
collection filter. Here both filters run in SQL, so `limit` and `offset` count public items.
"""

from grapple.utils import resolve_queryset
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.graphql.pages import search_queryset
from cms.visibility import private_collection_ids


def public_media(model, info, kwargs):
    items = model.objects.exclude(collection_id__in=private_collection_ids(info.context))
    search_query = kwargs.pop("search_query", None)
    kwargs.pop("search_operator", None)
    if search_query and search_query.strip():
        items = search_queryset(items, search_query)
    return items


class PublicMediaQuery:
    def resolve_images(self, info, **kwargs):
        images = public_media(get_image_model(), info, kwargs).prefetch_renditions()
        return resolve_queryset(images, info, **kwargs)

    def resolve_documents(self, info, **kwargs):
        return resolve_queryset(public_media(get_document_model(), info, kwargs), info, **kwargs)
