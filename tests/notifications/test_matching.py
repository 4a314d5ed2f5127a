"""The digest's matching SQL selects, for every alert, exactly the jobs that `search_jobs`
returns for the alert's criteria read back as job filters: both are built from
content.job_search.FILTERS, and this proves they agree on generated data.

Keywords are the alert's own criterion (not a job filter; see content/job_search.py): alerts
with keywords are checked against the search narrowed by the documented keyword rule."""

import datetime as dt
import random

import pytest
from django.db.models import Q
from django.utils import timezone

from content.job_search import search_jobs
from content.models import JobPostingPage, RemotePolicy
from notifications import criteria, matching
from notifications.models import Delivery, DigestRun, JobAlert, JobPublication, Subscriber
from notifications.services import _save_alert, validate_alert
from tests.content.factories import DisciplineFactory, InstitutionFactory, RoleFactory
from tests.notifications.factories import publish_job

pytestmark = pytest.mark.django_db

COUNTRIES = ["GB", "DE", "FR", "NL"]
WORDS = ["bayesian", "robotics", "climate", "glacier"]


def some(rng, items, most=2) -> list:
    return rng.sample(items, rng.randint(0, most))


def keyword_rule(words) -> Q:
    """Any keyword a substring of the title, keywords, department or a discipline's name."""
    found = Q()
    for word in words:
        for field in ("title", "keywords", "department", "disciplines__name"):
            found |= Q(**{f"{field}__icontains": word})
    return found


@pytest.fixture
def world(job_index):
    rng = random.Random(9)
    roots = [DisciplineFactory(name=f"Field {n}", slug=f"field-{n}") for n in range(3)]
    children = [
        DisciplineFactory(name=f"Field {n}.{m}", slug=f"field-{n}-{m}", parent=root)
        for n, root in enumerate(roots)
        for m in range(2)
    ]
    disciplines = roots + children
    roles = [RoleFactory(slug=slug) for slug in ("phd", "postdoc", "lecturer")]
    institutions = {code: InstitutionFactory(country=code) for code in COUNTRIES}
    since = timezone.now() - dt.timedelta(minutes=1)
    alerts = []
    for n in range(40):
        subscriber = Subscriber.objects.create(
            email=f"reader{n}@example.org",
            status=Subscriber.Status.CONFIRMED,
            consented_at=since,
        )
        spec = validate_alert(
            frequency="INSTANT",
            disciplines=[d.slug for d in some(rng, disciplines)],
            roles=[r.slug for r in some(rng, roles)],
            countries=some(rng, COUNTRIES),
            remote=rng.choice(["", "", *RemotePolicy.values]),
            keywords=some(rng, WORDS, 1) if n % 4 == 0 else [],
        )
        alerts.append(_save_alert(JobAlert(subscriber=subscriber, active_since=since), spec))
    jobs = []
    for n in range(60):
        country = rng.choice(COUNTRIES)
        jobs.append(
            publish_job(
                job_index,
                title=f"Job {n} {rng.choice(WORDS) if n % 3 == 0 else ''}",
                role=rng.choice(roles),
                disciplines=some(rng, disciplines),
                institution=institutions[country],
                country=country,
                remote_policy=rng.choice(RemotePolicy.values),
            )
        )
    closed = jobs[0]  # closed between its publication and the digest: neither side has it
    JobPostingPage.objects.filter(pk=closed.pk).update(closing_date=dt.date(2020, 1, 1))
    return alerts


def test_matching_selects_what_search_jobs_returns_for_every_alert(world):
    run = DigestRun.objects.create(frequency="INSTANT")
    published = set(JobPublication.objects.values_list("job_id", flat=True))
    matching.plan("INSTANT", run.pk, timezone.now())

    nonempty = 0
    for alert in world:
        delivered = set(
            Delivery.objects.filter(subscriber=alert.subscriber).values_list("job_id", flat=True)
        )
        expected = search_jobs(criteria.job_filters(alert)).filter(pk__in=published)
        words = [row.keyword for row in alert.keyword_rows.all()]
        if words:
            expected = expected.filter(keyword_rule(words))
        assert delivered == set(expected.values_list("pk", flat=True)), alert.pk
        nonempty += bool(delivered)
    # The generated alerts are neither all empty nor all matching everything.
    assert 5 < nonempty < len(world)
    assert Delivery.objects.count() < len(world) * len(published)


def test_alert_criteria_round_trip_as_job_filters(db):
    DisciplineFactory(slug="optics")
    RoleFactory(slug="phd")
    subscriber = Subscriber.objects.create(email="a@example.org", consented_at=timezone.now())
    spec = validate_alert(
        frequency="DAILY", disciplines=["Optics"], roles=["phd"], countries=["de", "gb"]
    )
    alert = _save_alert(JobAlert(subscriber=subscriber), spec)
    filters = criteria.job_filters(JobAlert.objects.get(pk=alert.pk))
    assert (filters.disciplines, filters.roles, filters.countries, filters.remote) == (
        ["optics"],
        ["phd"],
        ["DE", "GB"],
        None,
    )
    assert alert.countries == ",DE,GB," and not alert.any_discipline
