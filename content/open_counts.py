"""Open jobs per discipline, role, country, institution and remote policy, kept current by
the lifecycle, so counting them reads a few thousand rows whatever the board's size.

Every change the public can see reaches content/lifecycle.py's `content_changed`, inside
the writer's transaction; `counted` receives it there and recounts the jobs it names (and
the jobs below a section it names: a section unpublished or made private hides them).

- `CountedJob` holds each counted job as it was counted: live, not the tree root, not
  under a view restriction or an unpublished section (content.visibility's rules that do
  not depend on the clock), with the values it is counted by and its dates.
- `OpenJobCount` holds, per dimension and value, how many counted jobs have each set of
  dates (closing date, go-live, expiry). Recounting a job takes what its `CountedJob` row
  added away and adds what it adds now: the rows change by +1 and -1.

The clock's rules are applied when counts are read: the rows whose closing date is today
or later, whose go-live has come and whose expiry has not, summed. So a job leaves the
counts the moment its closing date passes, as `open_jobs` has it, with no job to run.
Rows of a value with many dates are a few hundred at most: the board's closing dates.

A job's disciplines are counted as the set it has (their ids), so a discipline's count,
with the jobs of every discipline below it once each, is summed from the sets under it
with the tree as it is when read: moving a discipline needs no recount.

Writes that bypass the lifecycle (bench/bulk_seed.py, seed_demo's bulk jobs) rebuild the
tables afterwards (`rebuild`, `manage.py rebuild_open_counts`).
"""

from collections import Counter
from collections.abc import Mapping
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.models import Page

from content.discipline_tree import DisciplineTree
from content.models import (
    CountedJob,
    Discipline,
    Institution,
    JobPostingPage,
    OpenJobCount,
    Role,
)
from content.search import matching_ids, reading_every_match
from content.visibility import hidden_subtree_paths_now

# (dimension, CountedJob field): the values a job is counted by. "total" counts every job.
DIMENSIONS = (
    ("role", "role_id"),
    ("institution", "institution_id"),
    ("country", "country"),
    ("remote", "remote_policy"),
    ("disciplines", "disciplines"),
)
# Every value kept, together: a search by several of them (a call to action's, a filtered
# listing's, jobFacets') is counted from the rows of this dimension (`OpenJobCounts.matching`,
# `OpenJobCounts.facets`).
COMBINATION = "combination"
_COMBINED = ("role_id", "disciplines", "country", "remote_policy", "institution_id", "funded")
# The filters of content.job_search.FILTERS the combinations count by.
KEPT_FILTERS = ("roles", "disciplines", "countries", "remote", "institutions", "funded_only")
_DATES = ("closing_date", "go_live_at", "expire_at")
# The dimension that counts each filter of KEPT_FILTERS but funded_only (and the total).
_DIMENSION_OF = {
    "total": "total",
    "roles": "role",
    "institutions": "institution",
    "countries": "country",
    "remote": "remote",
    "disciplines": "disciplines",
}
_CHUNK = 5000


# --- Writing


def _counted_jobs(among: Q) -> list[CountedJob]:
    """The jobs `among` as they count now: those live and not hidden."""
    jobs = JobPostingPage.objects.filter(among, live=True, depth__gt=1)
    hidden = Q()
    for path in hidden_subtree_paths_now():
        hidden |= Q(path__startswith=path)
    if hidden:
        jobs = jobs.exclude(hidden)
    fields = ("pk", *_DATES, "role_id", "institution_id", "country", "remote_policy", "funded")
    rows = list(jobs.order_by("pk").values(*fields))
    links = JobPostingPage.disciplines.through.objects.filter(
        jobpostingpage_id__in=jobs.values("pk")
    ).values_list("jobpostingpage_id", "discipline_id")
    disciplines: dict[int, set[int]] = {}
    for job_id, discipline_id in links:
        disciplines.setdefault(job_id, set()).add(discipline_id)
    counted = []
    for row in rows:
        pk = row.pop("pk")
        row["country"], row["remote_policy"] = row["country"] or "", row["remote_policy"] or ""
        ids = ",".join(str(d) for d in sorted(disciplines.get(pk, ())))
        counted.append(CountedJob(job_id=pk, disciplines=ids, **row))
    return counted


def _contributions(job: CountedJob) -> list[tuple]:
    """The `OpenJobCount` rows (dimension, key, *dates) a counted job adds one to."""
    dates = tuple(getattr(job, name) for name in _DATES)
    keys = [("total", "")]
    for dimension, field in DIMENSIONS:
        value = getattr(job, field)
        if value not in (None, ""):
            keys.append((dimension, str(value)))
    keys.append((COMBINATION, "|".join(str(getattr(job, field) or "") for field in _COMBINED)))
    return [(*key, *dates) for key in keys]


def _order(row: tuple) -> tuple:
    return tuple((value is not None, str(value)) for value in row)


def _apply(deltas: Counter) -> None:
    """Add `deltas` to the count rows in a few statements whatever their number: the rows
    of the keys concerned read and locked (in one order, so two writers cannot wait for
    each other; a writer that waited reads the other's committed counts), changed in one
    update from a list of values, new keys inserted in one statement, emptied rows deleted in
    one."""
    changes = {row: change for row, change in deltas.items() if change}
    if not changes:
        return
    # The rows of these dimensions and keys (a few more than needed, matched below): two
    # `__in`s, not an OR per key, which SQLite's expression depth would refuse.
    dimensions = {values[0] for values in changes}
    keys = {values[1] for values in changes}
    existing = {}
    rows = OpenJobCount.objects.select_for_update().filter(dimension__in=dimensions, key__in=keys)
    for row in rows.order_by("pk"):
        # Two writers may both have inserted a row for a new key: one of them takes changes.
        existing.setdefault((row.dimension, row.key, *(getattr(row, d) for d in _DATES)), row)
    changed, created, emptied = [], [], []
    for values, change in sorted(changes.items(), key=lambda item: _order(item[0])):
        row = existing.get(values)
        if row is None:
            dimension, key, *dates = values
            created.append(
                OpenJobCount(
                    dimension=dimension, key=key, n=change, **dict(zip(_DATES, dates, strict=True))
                )
            )
            continue
        row.n += change
        (changed if row.n else emptied).append(row)
    OpenJobCount.objects.bulk_create(created, batch_size=1000)
    table = connection.ops.quote_name(OpenJobCount._meta.db_table)
    with connection.cursor() as cursor:
        # The new counts joined from a VALUES list, 1000 rows a statement: bulk_update's
        # CASE of one WHEN per row cost more to build than the rest of a chunk's counting.
        for start in range(0, len(changed), 1000):
            rows = changed[start : start + 1000]
            cursor.execute(
                f"WITH new (id, n) AS (VALUES {', '.join(['(%s, %s)'] * len(rows))}) "
                f"UPDATE {table} SET n = new.n FROM new WHERE {table}.id = new.id",
                [value for row in rows for value in (row.pk, row.n)],
            )
        # Plain DELETEs of 1000 ids: a queryset's delete() would read the rows back first and
        # delete them 100 at a time (the model has delete signal receivers, so no fast delete).
        for start in range(0, len(emptied), 1000):
            ids = [row.pk for row in emptied[start : start + 1000]]
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(ids))})", ids)


def recount(job_ids) -> None:
    """Count the jobs of `job_ids` as they are now (none, if they are no longer counted)."""
    job_ids = sorted(set(job_ids))
    if not job_ids:
        return
    with transaction.atomic():
        for start in range(0, len(job_ids), _CHUNK):
            chunk = job_ids[start : start + _CHUNK]
            # One writer per job at a time: what was counted is read, then replaced.
            list(Page.objects.select_for_update().filter(pk__in=chunk).values_list("pk"))
            _replace(chunk, _counted_jobs(Q(pk__in=chunk)))


def forget(job_ids) -> None:
    """Count the jobs of `job_ids` no more (they are being deleted)."""
    job_ids = sorted(set(job_ids))
    with transaction.atomic():
        for start in range(0, len(job_ids), _CHUNK):
            _replace(job_ids[start : start + _CHUNK], [])


def _replace(job_ids: list[int], now: list[CountedJob]) -> None:
    before = CountedJob.objects.filter(job_id__in=job_ids)
    deltas = Counter()
    for job in before:
        deltas.subtract(_contributions(job))
    for job in now:
        deltas.update(_contributions(job))
    before.delete()
    CountedJob.objects.bulk_create(now, batch_size=1000)
    _apply(deltas)


def jobs_at_or_below(pages) -> list[int]:
    """The ids of the jobs among `pages` and below them."""
    ids = [page.pk for page in pages if isinstance(page, JobPostingPage)]
    sections = [page for page in pages if not isinstance(page, JobPostingPage) and page.path]
    if sections:
        below = Q()
        for page in sections:
            below |= Q(path__startswith=page.path)
        ids += JobPostingPage.objects.filter(below).values_list("pk", flat=True)
    return ids


def counted(sender, event, **kwargs) -> None:
    """content_changed's receiver (connected in ContentConfig.ready())."""
    from content.lifecycle import Kind

    job_ids = jobs_at_or_below(event.pages)
    if event.kind == Kind.DELETED:
        forget(job_ids)
    else:
        recount(job_ids)


def rebuild() -> int:
    """Count every job from scratch (after writes that bypass the lifecycle); how many
    jobs are counted."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            cursor = connection.cursor()
            tables = f"{CountedJob._meta.db_table}, {OpenJobCount._meta.db_table}"
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        CountedJob.objects.all().delete()
        OpenJobCount.objects.all().delete()
        last = JobPostingPage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        totals = Counter()
        counted_jobs = 0
        for start in range(0, last + 1, 50_000):
            jobs = _counted_jobs(Q(pk__gte=start, pk__lt=start + 50_000))
            CountedJob.objects.bulk_create(jobs, batch_size=5000)
            for job in jobs:
                totals.update(_contributions(job))
            counted_jobs += len(jobs)
        OpenJobCount.objects.bulk_create(
            (
                OpenJobCount(
                    dimension=dimension, key=key, n=n, **dict(zip(_DATES, dates, strict=True))
                )
                for (dimension, key, *dates), n in totals.items()
            ),
            batch_size=5000,
        )
    return counted_jobs


# --- Reading


def open_now() -> Q:
    """The `OpenJobCount` rows of jobs open now (content.visibility's rules of the clock)."""
    now = timezone.now()
    return (
        Q(closing_date__gte=timezone.localdate(now))
        & (Q(go_live_at__isnull=True) | Q(go_live_at__lte=now))
        & (Q(expire_at__isnull=True) | Q(expire_at__gt=now))
    )


def open_counts(dimension: str, keys=None, where: Q | None = None) -> dict[str, int]:
    """Open jobs per key of a dimension (only `keys`, if given; only the rows `where`
    selects, if given): one query."""
    rows = OpenJobCount.objects.filter(open_now(), dimension=dimension)
    if keys is not None:
        rows = rows.filter(key__in=[str(key) for key in keys])
    if where is not None:
        rows = rows.filter(where)
    grouped = rows.order_by().values_list("key").annotate(total=Sum("n"))
    return {key: total for key, total in grouped if total}


def _ids(key: str) -> frozenset[int]:
    """The discipline ids of a set of disciplines as kept ("3,17")."""
    return frozenset(int(pk) for pk in key.split(",") if pk)


def _any_of(conditions) -> Q:
    """The conditions joined by OR; one that matches nothing when there are none."""
    joined = None
    for condition in conditions:
        joined = condition if joined is None else joined | condition
    return Q(pk__in=[]) if joined is None else joined


@lru_cache(maxsize=100_000)
def _combination(key: str) -> tuple[str, frozenset[int], str, str, str, bool]:
    """A `COMBINATION` key read: (role id, discipline ids, country, remote policy,
    institution id, funded); remembered, since the board's combinations change little."""
    role, disciplines, country, remote, institution, funded = key.split("|")
    return role, _ids(disciplines), country, remote, institution, funded == "True"


class Combinations:
    """Open jobs per combination of the kept values (role id, discipline ids, country, remote
    policy, institution id, funded), and what they count: `matching` and `facets`, for any
    of the filters of content.job_search.FILTERS kept here (`KEPT_FILTERS`). Where the
    combinations come from is the subclass's: every open job's, from the kept counts
    (`OpenJobCounts`), or those of the open jobs a search matches (`SearchedJobCounts`)."""

    @cached_property
    def _combinations(self) -> list[tuple[str, frozenset[int], str, str, str, bool, int]]:
        raise NotImplementedError

    @cached_property
    def _roles(self) -> list[tuple[int, str, str]]:
        return list(Role.objects.values_list("pk", "slug", "name"))

    @cached_property
    def _disciplines(self) -> tuple[DisciplineTree, list[tuple[int, str, str]]]:
        rows = list(Discipline.objects.values_list("id", "parent_id", "slug", "name"))
        tree = DisciplineTree((pk, parent) for pk, parent, _slug, _name in rows)
        return tree, [(pk, slug, name) for pk, _parent, slug, name in rows]

    def _role_ids(self, slugs) -> set[int]:
        """The ids of the roles named by `slugs`."""
        return {pk for pk, slug, _name in self._roles if slug in slugs}

    def _institution_ids(self, slugs) -> set[int]:
        """The ids of the institutions named by `slugs` (one query)."""
        return set(Institution.objects.filter(slug__in=slugs).values_list("pk", flat=True))

    def _discipline_subtrees(self, slugs) -> set[int]:
        """The ids of the disciplines named by `slugs` and of every discipline below them."""
        tree, rows = self._disciplines
        return tree.descendants_and_self(pk for pk, slug, _name in rows if slug in slugs)

    def _tests(self, kept: Mapping) -> dict:
        """A test of a combination per filter of `kept` (content.job_search.FILTERS' names,
        each of KEPT_FILTERS, with its normalised value), as content.job_counts.kept_filters
        gives them; a filter left out is not tested."""
        roles, disciplines = kept.get("roles"), kept.get("disciplines")
        countries, remote = kept.get("countries"), kept.get("remote")
        institutions, funded_only = kept.get("institutions"), kept.get("funded_only")
        tests = {}
        if roles is not None:
            role_ids = {str(pk) for pk in self._role_ids(roles)}
            tests["roles"] = lambda row: row[0] in role_ids
        if disciplines is not None:
            wanted = self._discipline_subtrees(disciplines)
            tests["disciplines"] = lambda row: not row[1].isdisjoint(wanted)
        if countries is not None:
            codes = set(countries)
            tests["countries"] = lambda row: row[2] in codes
        if remote is not None:
            tests["remote"] = lambda row: row[3] == remote
        if institutions is not None:
            institution_ids = {str(pk) for pk in self._institution_ids(institutions)}
            tests["institutions"] = lambda row: row[4] in institution_ids
        if funded_only:
            tests["funded_only"] = lambda row: row[5]
        return tests

    def matching(self, kept: Mapping) -> int:
        """Open jobs matching every filter of `kept` (as `_tests` takes them): of any of its
        roles (slugs), in or below any of its disciplines (slugs), in any of its countries
        (codes), of its remote policy, at any of its institutions (slugs), funded."""
        rows = self._combinations
        for test in self._tests(kept).values():
            rows = [row for row in rows if test(row)]
        return sum(row[6] for row in rows)

    def facets(self, kept: Mapping) -> dict:
        """content.job_counts.facet_counts for the filters of `kept` (as `matching` takes
        them): the total, and per role, discipline (with the jobs below it, once each),
        country and institution the open jobs matching every filter but that dimension's
        own."""
        tests = self._tests(kept)
        tree, discipline_rows = self._disciplines
        above: dict[frozenset, set[int]] = {}
        total = 0
        per = {name: Counter() for name in ("roles", "disciplines", "countries", "institutions")}
        for row in self._combinations:
            failed = [name for name, test in tests.items() if not test(row)]
            if len(failed) > 1 or (failed and failed[0] not in per):
                continue
            n = row[6]
            if not failed:
                total += n
            counted = failed or list(per)
            if "roles" in counted and row[0]:
                per["roles"][int(row[0])] += n
            if "countries" in counted and row[2]:
                per["countries"][row[2]] += n
            if "institutions" in counted and row[4]:
                per["institutions"][int(row[4])] += n
            if "disciplines" in counted and row[1]:
                if row[1] not in above:
                    above[row[1]] = tree.ancestors_and_self(row[1])
                for pk in above[row[1]]:
                    per["disciplines"][pk] += n
        institutions = Institution.objects.filter(pk__in=list(per["institutions"]))

        def named(rows, counts):
            return [(slug, name, counts[pk]) for pk, slug, name in rows if counts[pk]]

        return {
            "total": total,
            "roles": named(self._roles, per["roles"]),
            "disciplines": named(discipline_rows, per["disciplines"]),
            "institutions": named(
                institutions.values_list("pk", "slug", "name"), per["institutions"]
            ),
            "countries": [(code, None, n) for code, n in per["countries"].items()],
        }


class OpenJobCounts(Combinations):
    """Every open job counted as `content.job_counts.JobCounts` counts them (slugs and codes
    as keys), from one query of the kept counts, run when first read."""

    @cached_property
    def _kept(self) -> dict[str, dict[str, int]]:
        return self._read(["total", *(dimension for dimension, _field in DIMENSIONS)])

    def _read(self, dimensions: list[str]) -> dict[str, dict[str, int]]:
        """Open jobs per key of each of `dimensions`: one query (none when `_kept`, every
        dimension, has been read)."""
        if "_kept" in self.__dict__:
            return self._kept
        rows = OpenJobCount.objects.filter(open_now(), dimension__in=dimensions).order_by()
        kept: dict[str, dict[str, int]] = {}
        for dimension, key, total in rows.values_list("dimension", "key").annotate(Sum("n")):
            if total:
                kept.setdefault(dimension, {})[key] = total
        return kept

    @cached_property
    def total(self) -> int:
        return self._kept.get("total", {}).get("", 0)

    @cached_property
    def countries(self) -> dict[str, int]:
        return self._kept.get("country", {})

    @cached_property
    def remote(self) -> dict[str, int]:
        return self._kept.get("remote", {})

    def named(self, model) -> list[tuple[str, str, int]]:
        """(slug, name, count) of each role or institution (`model`) with open jobs."""
        counts = self._kept.get(model._meta.model_name, {})
        if not counts:
            return []
        rows = model.objects.filter(pk__in=[int(pk) for pk in counts])
        return [
            (slug, name, counts[str(pk)])
            for pk, slug, name in rows.values_list("pk", "slug", "name")
        ]

    @cached_property
    def roles(self) -> dict[str, int]:
        return {slug: count for slug, _name, count in self.named(Role)}

    @cached_property
    def institutions(self) -> dict[str, int]:
        return {slug: count for slug, _name, count in self.named(Institution)}

    @cached_property
    def named_disciplines(self) -> list[tuple[str, str, int]]:
        """(slug, name, count) of each discipline with open jobs in it or below it, each
        job counted once: summed from the jobs' sets of disciplines with the tree as it is."""
        sets = self._kept.get("disciplines", {})
        if not sets:
            return []
        tree = list(Discipline.objects.values_list("id", "parent_id", "slug", "name"))
        walk = DisciplineTree((pk, parent) for pk, parent, _slug, _name in tree)
        per_id = Counter()
        for key, n in sets.items():
            for pk in walk.ancestors_and_self(int(pk) for pk in key.split(",")):
                per_id[pk] += n
        return [(slug, name, per_id[pk]) for pk, _parent, slug, name in tree if per_id[pk]]

    @cached_property
    def disciplines(self) -> dict[str, int]:
        return {slug: count for slug, _name, count in self.named_disciplines}

    @cached_property
    def _combinations(self) -> list[tuple[str, frozenset[int], str, str, str, bool, int]]:
        """(role id, discipline ids, country, remote policy, institution id, funded, open
        jobs) of every combination of them that open jobs have."""
        return [(*_combination(key), total) for key, total in open_counts(COMBINATION).items()]

    def matching(self, kept: Mapping) -> int:
        """`Combinations.matching`, reading only what the search needs (`matching_many`)."""
        return self.matching_many([kept])[0]

    def matching_many(self, searches: list[Mapping]) -> list[int]:
        """`matching` of each of `searches` (mappings as `matching` takes them), in at most
        one query besides those of the counts per dimension (a page's calls to action,
        together).

        A search by one dimension is summed from that dimension's counts (a job has one
        role, country, remote policy and institution, and one set of disciplines). A search
        by several is summed from the combinations, and only from those that can match it:
        the query keeps the rows whose key has one of its roles first, one of its countries
        and its remote policy between bars, and ends in True when it asks for funded jobs
        (necessary conditions: each row is then tested as `_combination` reads it)."""
        counts: list[int | None] = [None] * len(searches)
        single: dict[int, tuple[str, object]] = {}
        combined: dict[int, dict] = {}
        for number, search in enumerate(searches):
            given = {
                name: value
                for name, value in search.items()
                if value is not None and (name != "funded_only" or value)
            }
            if len(given) > 1 or "funded_only" in given:
                combined[number] = given
            else:
                single[number] = next(iter(given.items()), ("total", None))
        if single:
            # The dimensions these searches are by, in one query.
            kept = self._read(sorted({_DIMENSION_OF[name] for name, _value in single.values()}))
            for number, given in single.items():
                counts[number] = self._one_dimension(kept, *given)
        if combined:
            wanted = Q()
            tests = {}
            for number, given in combined.items():
                tests[number] = self._tests(given)
                wanted |= self._could_match(given)
            keys = open_counts(COMBINATION, where=wanted)
            rows = [(*_combination(key), total) for key, total in keys.items()]
            for number in combined:
                found = rows
                for test in tests[number].values():
                    found = [row for row in found if test(row)]
                counts[number] = sum(row[6] for row in found)
        return counts

    def _one_dimension(self, kept: dict, name: str, value) -> int:
        """`matching` of a search by one filter (not funded_only; "total": by none), from
        that dimension's counts (`kept`, as `_read` returns them)."""
        counts = kept.get(_DIMENSION_OF[name], {})
        if name == "total":
            return counts.get("", 0)
        if name == "disciplines":
            wanted = self._discipline_subtrees(value)
            return sum(n for key, n in counts.items() if not wanted.isdisjoint(_ids(key)))
        if name == "roles":
            keys = self._role_ids(value)
        elif name == "institutions":
            keys = self._institution_ids(value)
        else:  # countries, remote
            keys = set(value) if name == "countries" else {value}
        return sum(counts.get(str(key), 0) for key in keys)

    def _could_match(self, given: dict) -> Q:
        """The combination rows that can match a search (`matching_many`): a condition on
        their keys ("role|disciplines|country|remote|institution|funded"), which every row
        of a matching combination meets."""
        condition = Q()
        if "roles" in given:
            ids = sorted(self._role_ids(given["roles"]))
            condition &= _any_of(Q(key__startswith=f"{pk}|") for pk in ids)
        if "countries" in given:
            condition &= _any_of(Q(key__contains=f"|{code}|") for code in given["countries"])
        if "remote" in given:
            condition &= Q(key__contains=f"|{given['remote']}|")
        if given.get("funded_only"):
            condition &= Q(key__endswith="|True")
        return condition


class SearchedJobCounts(Combinations):
    """The open jobs matching a search (every word of `text`), counted as `OpenJobCounts`
    counts them: the combinations of the counted jobs (`CountedJob`, the lifecycle's rows of
    live, unhidden jobs, with the clock's rules of `open_now`) that the search matches, in
    one grouped statement run when first read. So a search's total and facets read the
    matches' ids and these narrow rows, not the pages (content.search.matching_ids)."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def _combinations(self) -> list[tuple[str, frozenset[int], str, str, str, bool, int]]:
        matches = matching_ids(JobPostingPage, self.text)
        rows = (
            CountedJob.objects.filter(open_now(), job_id__in=matches)
            .order_by()
            .values_list(*_COMBINED)
            .annotate(n=Count("*"))
        )
        with reading_every_match():
            rows = list(rows)
        return [
            (*_combination("|".join(str(value or "") for value in values)), n)
            for *values, n in rows
        ]
