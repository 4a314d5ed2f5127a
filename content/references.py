"""Which guides use a glossary term, read from Wagtail's reference index."""

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, ReferenceIndex


def guide_ids_using_definitions(definition_ids) -> dict[int, set[int]]:
    """For each term id, the ids of the guides whose saved content references it (public
    or not: callers apply content.visibility). One query for all the terms."""
    from content.models import GuidePage

    page_type = ContentType.objects.get_for_model(Page)
    guide_type = ContentType.objects.get_for_model(GuidePage)
    rows = ReferenceIndex.objects.filter(
        to_content_type=page_type,
        to_object_id__in=[str(pk) for pk in definition_ids],
        base_content_type=page_type,
        content_type=guide_type,
    ).values_list("to_object_id", "object_id")
    found: dict[int, set[int]] = {}
    for to_id, guide_id in rows:
        found.setdefault(int(to_id), set()).add(int(guide_id))
    return found
