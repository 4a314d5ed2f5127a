"""Loaders for the taxonomy snippets."""

from cms.graphql.core.loaders import Loader
from content.models import Discipline, Role
from content.open_counts import open_counts


class RoleByIdLoader(Loader):
    def batch_load(self, keys):
        return Role.objects.in_bulk(keys)


class DisciplineByIdLoader(Loader):
    """Disciplines are a small taxonomy (tens to a few hundred rows), so the first miss
    loads them all: parents, and any discipline asked for later, then cost no query."""

    def batch_load(self, keys):
        return Discipline.objects.in_bulk()


class OpenJobCountByInstitutionLoader(Loader):
    """Open jobs per institution id, for the institutions asked for (and those a list
    announced) only, from the counts the lifecycle keeps (content/open_counts.py): a list
    of institutions is one query of a few rows each, whatever the board's size."""

    def batch_load(self, keys):
        counts = open_counts("institution", keys)
        return {key: counts.get(str(key), 0) for key in keys}
