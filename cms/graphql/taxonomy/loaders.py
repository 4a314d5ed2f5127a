"""Loaders for the taxonomy snippets."""

from django.db.models import Count

from cms.graphql.core.loaders import Loader
from content.models import Discipline, Role
from content.visibility import open_jobs


class RoleByIdLoader(Loader):
    def batch_load(self, keys):
        return Role.objects.in_bulk(keys)


class DisciplineByIdLoader(Loader):
    """Disciplines are a small taxonomy (tens to a few hundred rows), so the first miss
    loads them all: parents, and any discipline asked for later, then cost no query."""

    def batch_load(self, keys):
        return Discipline.objects.in_bulk()


class OpenJobCountByInstitutionLoader(Loader):
    """Open jobs per institution id, counted for the institutions asked for (and those a list
    announced) only: a job page's institution card counts that institution's jobs, not every
    institution's (1.6 s at a million jobs), and a list of institutions is still one query."""

    def batch_load(self, keys):
        counts = dict(
            open_jobs(request=self.request)
            .filter(institution_id__in=keys)
            .order_by()
            .values_list("institution_id")
            .annotate(n=Count("pk", distinct=True))
        )
        return {key: counts.get(key, 0) for key in keys}
