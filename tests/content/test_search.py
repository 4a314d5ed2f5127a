"""content.search.matching_ids: on PostgreSQL it reads the index entries itself (the condition
of Wagtail's database backend, modelsearch 1.3.2, kept there); it finds exactly what the
backend's own search finds, on either database, whatever the words."""

import pytest
from django.db import connection, transaction
from wagtail.search.backends import get_search_backend

from content.models import JobPostingPage
from content.search import MATCH_SETTINGS, matching_ids, reading_every_match, search_words
from tests.content.factories import JobPostingPageFactory

pytestmark = pytest.mark.django_db

SEARCHES = [
    "glacier",
    "Glaciers",  # a stemmed form
    "glacier ecology",  # every word required
    "ecology glacier!",
    "melting",  # in the description only
    "ice-cores",
    "volcano",
    "glacier volcano",
    "",
    "!!",
]


@pytest.fixture
def board(job_index):
    for title, description in [
        ("Glacier ecology", "<p>Field work on melting ice.</p>"),
        ("Glacier physics", "<p>Ice cores and models.</p>"),
        ("Ecology of tides", "<p>Coastal work.</p>"),
        ("Lasers", "<p>Optics.</p>"),
    ]:
        JobPostingPageFactory(parent=job_index, title=title, description=description)
    # Matched by the index whatever its state: visibility is the callers' to apply.
    JobPostingPageFactory(parent=job_index, title="Glacier draft", live=False)


@pytest.mark.parametrize("text", SEARCHES)
def test_matching_ids_are_the_backends_matches(board, text):
    words = search_words(text)
    backend = set()
    if words:
        found = get_search_backend().search(words, JobPostingPage, operator="and")
        backend = {page.pk for page in found}
    assert set(matching_ids(JobPostingPage, text)) == backend
    if text == "glacier":
        assert len(backend) == 3


def test_matching_ids_filter_a_queryset(board):
    """Used as `pk__in=`, whatever the database (text ids cast once on PostgreSQL)."""
    titles = JobPostingPage.objects.filter(pk__in=matching_ids(JobPostingPage, "glacier ecology"))
    assert [page.title for page in titles] == ["Glacier ecology"]


def _settings(cursor) -> tuple:
    cursor.execute(
        "SELECT current_setting('work_mem'), current_setting('max_parallel_workers_per_gather')"
    )
    return cursor.fetchone()


def test_reading_every_match_sets_its_settings_for_its_statement_only(db):
    """On PostgreSQL the statement inside has MATCH_SETTINGS (an exact bitmap of the
    matches, no parallel workers); those after it have the settings they had."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL settings")
    with transaction.atomic(), connection.cursor() as cursor:
        before = _settings(cursor)
        with reading_every_match():
            inside = _settings(cursor)
        assert _settings(cursor) == before
    assert inside == (MATCH_SETTINGS["work_mem"], MATCH_SETTINGS["max_parallel_workers_per_gather"])
    assert inside != before
