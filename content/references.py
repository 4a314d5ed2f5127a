"""Which guides use a glossary term, read from Wagtail's reference index."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from wagtail.models import Page, ReferenceIndex


def guides_using_definition(definition: Page) -> QuerySet:
    from content.models import GuidePage

    page_type = ContentType.objects.get_for_model(Page)
    referencing_ids = ReferenceIndex.objects.filter(
        to_content_type=page_type, to_object_id=str(definition.pk), base_content_type=page_type
    ).values_list("object_id", flat=True)
    return GuidePage.objects.live().public().filter(pk__in=[int(pk) for pk in referencing_ids])
