"""Loaders for what guides' call-to-action blocks show: each block's live job search.

A page of guides may hold many call-to-action blocks; their searches are run together in one
query (`JobsBySearchLoader`), and the jobs they show are loaded together in another
(`OpenJobByIdLoader`), so the SQL of a request does not grow with the number of blocks.
"""

from django.db import connection
from django.db.models import Count, Value, Window

from cms.graphql.core.loaders import Loader
from content.job_counts import kept_totals
from content.job_search import JobFilters, one_discipline_tree, search_jobs
from content.visibility import open_jobs

MAX_CTA_JOBS = 20


def search_key(filters: dict) -> tuple:
    """A search's filters (name: value, values as tuples) as a hashable loader key."""
    return tuple(sorted(filters.items()))


class JobsBySearchLoader(Loader):
    """For each search (a `search_key`), the ids of its newest MAX_CTA_JOBS open jobs and
    how many there are in all: from the kept counts (`kept_totals`, every search at once),
    or for a search by other filters (no call to action has one), by a window over all of
    its matches."""

    def batch_load(self, keys):
        # One statement: each search as search_jobs builds it (FILTERS and the visibility
        # rule), cut to its newest jobs. Django's union() cannot cut each part on SQLite,
        # so the parts are joined here.
        parts, params = [], []
        kept = kept_totals([JobFilters(**dict(key)) for key in keys], self.request)
        totals = dict(zip(keys, kept, strict=True))
        with one_discipline_tree():
            for number, key in enumerate(keys):
                jobs = search_jobs(JobFilters(**dict(key)), request=self.request)
                total = Window(Count("pk")) if totals[key] is None else Value(0)
                newest = jobs.annotate(total=total).values_list("pk", "total")
                sql, part_params = newest[:MAX_CTA_JOBS].query.sql_with_params()
                parts.append(f"SELECT {number}, * FROM ({sql}) search_{number}")
                params += part_params
        ids = {key: [] for key in keys}
        counted = dict.fromkeys(keys, 0)
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for number, pk, total in cursor.fetchall():
                ids[keys[number]].append(pk)
                counted[keys[number]] = total
        return {
            key: (ids[key], counted[key] if totals[key] is None else totals[key]) for key in keys
        }


class OpenJobByIdLoader(Loader):
    """Open jobs by id, with what a listing shows. Through content.visibility again: an id
    never yields a job that is not public."""

    def batch_load(self, keys):
        from cms.graphql.jobs.types import with_listing_relations

        return with_listing_relations(open_jobs(request=self.request)).in_bulk(keys)


def newest_jobs(info, key: tuple, limit: int) -> list:
    """The newest `limit` open jobs of a search. The first block asking loads those of every
    search of the request, so the other blocks find theirs loaded."""
    from cms.graphql.pages.types import prime_pages

    searches, jobs = JobsBySearchLoader.of(info), OpenJobByIdLoader.of(info)
    ids = searches.load(key)[0][:limit]
    jobs.want(pk for found, _total in searches.cache.values() for pk in found[:limit])
    return prime_pages(info, [job for job in jobs.load_many(ids) if job is not None])
