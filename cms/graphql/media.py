"""grapple's images, documents and tags, limited to public collections in the query itself.

grapple excludes only collections that carry a view restriction themselves (not those under
one), its `searchQuery` fails on documents (the search backend cannot apply the collection
filter), and its `tags` lists every tag, including those only private files carry. Here the
filters run in SQL, so `limit` and `offset` count public items.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from grapple.utils import resolve_queryset
from taggit.models import Tag
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


def public_tags(info):
    """Tags on at least one public image or document."""
    on_public_media = Q()
    for model in (get_image_model(), get_document_model()):
        on_public_media |= Q(
            taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(model),
            taggit_taggeditem_items__object_id__in=public_media(model, info, {}).values("pk"),
        )
    return Tag.objects.filter(on_public_media).distinct()


class PublicMediaQuery:
    # grapple's single-object resolvers require `id`, which the schema makes optional.
    def resolve_image(self, info, id=None, **kwargs):
        images = public_media(get_image_model(), info, {}).prefetch_renditions()
        return images.filter(pk=id).first() if id is not None else None

    def resolve_document(self, info, id=None, **kwargs):
        documents = public_media(get_document_model(), info, {})
        return documents.filter(pk=id).first() if id is not None else None

    def resolve_images(self, info, **kwargs):
        images = public_media(get_image_model(), info, kwargs).prefetch_renditions()
        return resolve_queryset(images, info, **kwargs)

    def resolve_documents(self, info, **kwargs):
        return resolve_queryset(public_media(get_document_model(), info, kwargs), info, **kwargs)

    def resolve_tag(self, info, id=None, **kwargs):
        return public_tags(info).filter(pk=id).first() if id is not None else None

    def resolve_tags(self, info, **kwargs):
        return resolve_queryset(public_tags(info), info, **kwargs)
