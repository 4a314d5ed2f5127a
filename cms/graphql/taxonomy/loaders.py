"""Loaders for the taxonomy snippets."""

from cms.graphql.core.loaders import Loader
from content.models import Discipline, Role


class RoleByIdLoader(Loader):
    def batch_load(self, keys):
        return Role.objects.in_bulk(keys)


class DisciplineByIdLoader(Loader):
    def batch_load(self, keys):
        return Discipline.objects.in_bulk(keys)
