"""Loaders for the taxonomy snippets."""

from cms.graphql.core.loaders import Loader
from content.models import Discipline, Role


class RoleByIdLoader(Loader):
    def batch_load(self, keys):
        return Role.objects.in_bulk(keys)


class DisciplineByIdLoader(Loader):
    """Disciplines are a small taxonomy (tens to a few hundred rows), so the first miss
    loads them all: parents, and any discipline asked for later, then cost no query."""

    def batch_load(self, keys):
        return Discipline.objects.in_bulk()
