"""Loaders for what a job shows."""

from cms.graphql.core.loaders import Loader
from cms.graphql.taxonomy.loaders import DisciplineByIdLoader
from content.models import JobPostingPage


class DisciplinesByJobLoader(Loader):
    """Each job's disciplines, by name: one query for the page's links; the disciplines
    themselves come from DisciplineByIdLoader (no model manager per job, as a prefetch of the
    many-to-many field would build)."""

    def batch_load(self, keys):
        links = list(
            JobPostingPage.disciplines.through.objects.filter(
                jobpostingpage_id__in=keys
            ).values_list("jobpostingpage_id", "discipline_id")
        )
        loader = DisciplineByIdLoader.for_request(self.request)
        disciplines = dict(
            zip(
                (pk for _job, pk in links),
                loader.load_many([pk for _job, pk in links]),
                strict=True,
            )
        )
        found = {key: [] for key in keys}
        for job, pk in links:
            if disciplines[pk] is not None:
                found[job].append(disciplines[pk])
        for items in found.values():
            items.sort(key=lambda discipline: (discipline.name, discipline.pk))
        return found
