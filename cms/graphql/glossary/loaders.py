"""Loaders for glossary terms."""

from cms.graphql.core.loaders import Loader
from cms.graphql.limits import USED_IN_LIMIT
from content.models import DefinitionPage, GuidePage
from content.references import guide_ids_using_definitions
from content.visibility import public_pages


class DefinitionByIdLoader(Loader):
    """Public glossary terms by id (None for a draft, restricted or missing one)."""

    def batch_load(self, keys):
        return public_pages(DefinitionPage.objects.filter(pk__in=keys), self.request).in_bulk()


class GuidesUsingDefinitionLoader(Loader):
    """The public guides that use each term, by the term's id (by title, the first
    USED_IN_LIMIT)."""

    def batch_load(self, keys):
        guide_ids = guide_ids_using_definitions(keys)
        all_ids = {pk for ids in guide_ids.values() for pk in ids}
        guides = public_pages(GuidePage.objects.filter(pk__in=all_ids), self.request)
        ordered = list(guides.order_by("title", "pk"))
        # At most USED_IN_LIMIT each: the cost rule prices `usedIn` at that.
        return {
            key: [g for g in ordered if g.pk in guide_ids.get(key, ())][:USED_IN_LIMIT]
            for key in keys
        }
