"""content/imports/bulk_pages.py mirrors Wagtail's page writes (and the Django/treebeard
internals they rely on): a page written by it must equal the same page written by Wagtail's
own `add_child` and `save_revision`, row for row. Rerun on every Wagtail, Django or
treebeard upgrade."""

import datetime as dt
import json
import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django.utils import timezone
from wagtail.models import (
    COMMENTS_RELATION_NAME,
    Comment,
    Page,
    PageLogEntry,
    ReferenceIndex,
    Revision,
)

from content.imports import bulk_pages
from content.models import JobPostingPage
from tests.content.factories import DisciplineFactory, InstitutionFactory, RoleFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def _job(slug, institution, role):
    return JobPostingPage(
        title="PhD in glaciology",
        slug=slug,
        institution=institution,
        role=role,
        closing_date=timezone.localdate() + dt.timedelta(days=30),
        description="<p>Ice.</p>",
        application_url="https://ox.example/1",
        city="Oxford",
        country="GB",
    )


def _references(page):
    return sorted(
        ReferenceIndex.objects.filter(object_id=str(page.pk)).values_list(
            "content_type", "base_content_type", "to_content_type", "to_object_id",
            "model_path", "content_path", "content_path_hash",
        )
    )  # fmt: skip


def test_a_bulk_written_page_is_what_wagtail_writes(job_index):
    institution, role = InstitutionFactory(), RoleFactory()
    discipline = DisciplineFactory()
    wagtails = _job("by-wagtail", institution, role)
    wagtails.disciplines.set([discipline])
    job_index.add_child(instance=wagtails)
    wagtails.save_revision(log_action=True)

    # What content/imports/bulk.py does around these functions: the fields Wagtail's
    # save() would fill, the many-to-many rows, the parent's numchild.
    ours = _job("by-bulk", institution, role)
    ours.locale, ours.translation_key = job_index.locale, uuid.uuid4()
    ours.live, ours.expire_at = wagtails.live, ours.closes_at
    job_index.refresh_from_db()
    bulk_pages.insert_pages(job_index, [ours])
    ours.disciplines.set([discipline])
    JobPostingPage.disciplines.through.objects.create(
        jobpostingpage_id=ours.pk, discipline_id=discipline.pk
    )
    Page.objects.filter(pk=job_index.pk).update(numchild=F("numchild") + 1)
    at = timezone.now()
    bulk_pages.save_revisions([ours], user=None, at=at)
    bulk_pages.log_actions([ours], "wagtail.edit", user=None, at=at)
    bulk_pages.update_references([ours])

    # The tree: the next treebeard path, and nothing for find_problems to report.
    wagtails.refresh_from_db()
    ours_row = Page.objects.get(pk=ours.pk)
    assert ours_row.depth == wagtails.depth
    assert ours_row.path[:-4] == wagtails.path[:-4] and ours_row.path > wagtails.path
    assert ours_row.url_path == f"{job_index.url_path}by-bulk/"
    assert [page.slug for page in job_index.get_children()] == ["by-wagtail", "by-bulk"]
    assert Page.find_problems() == ([], [], [], [], [])
    # The revision holds what Wagtail's holds; the log entry and references too.
    theirs_content = wagtails.get_latest_revision().content
    ours_content = Revision.objects.get(pk=ours.latest_revision.pk).content
    for key in ("pk", "path", "slug", "url_path", "translation_key", "draft_title"):
        theirs_content.pop(key), ours_content.pop(key)
    for key in ("latest_revision", "latest_revision_created_at", "has_unpublished_changes"):
        theirs_content.pop(key, None), ours_content.pop(key, None)
    assert ours_content == theirs_content
    theirs_log = PageLogEntry.objects.filter(page=wagtails, action="wagtail.edit")
    ours_log = PageLogEntry.objects.filter(page=ours)
    fields = ("content_type", "label", "action", "revision__object_str", "content_changed")
    assert list(ours_log.values_list(*fields)) == list(theirs_log.values_list(*fields))
    assert _references(ours) == _references(wagtails) != []


def test_a_revisions_content_is_what_modelcluster_serialises(job_index):
    """bulk_pages.serializable_data: modelcluster's serializable_data, key for key, for a new
    page (blank values, no comments) and a saved one (dates, datetimes, decimals, a UUID,
    disciplines, an open comment)."""
    institution, role = InstitutionFactory(), RoleFactory()
    new = _job("new", institution, role)
    new.disciplines.set([DisciplineFactory()])
    setattr(new, COMMENTS_RELATION_NAME, [])
    assert bulk_pages.serializable_data(new) == new.serializable_data()

    saved = _job("saved", institution, role)
    saved.salary_min, saved.salary_currency = Decimal("30000.50"), "GBP"
    saved.duration_months = 36
    saved.start_date = timezone.localdate() + dt.timedelta(days=60)
    saved.disciplines.set([DisciplineFactory(), DisciplineFactory()])
    job_index.add_child(instance=saved)
    saved.save_revision().publish()
    user = get_user_model().objects.create_user("ed", "ed@example.org", "pw")
    Comment.objects.create(page=saved, user=user, text="Check the salary", contentpath="title")
    saved = JobPostingPage.objects.get(pk=saved.pk)
    ours, expected = bulk_pages.serializable_data(saved), saved.serializable_data()
    # A comment's updated_at is auto_now: each serialisation stamps its own time.
    for data in (ours, expected):
        for comment in data[COMMENTS_RELATION_NAME]:
            comment.pop("updated_at")
    assert expected[COMMENTS_RELATION_NAME] and expected["first_published_at"]
    assert ours == expected
    assert json.dumps(ours, cls=DjangoJSONEncoder) == json.dumps(expected, cls=DjangoJSONEncoder)
    saved.go_live_at = dt.datetime(2030, 1, 2, 3, 4, 5)  # naive: made aware, in UTC
    saved.salary_max = None
    assert (
        bulk_pages.serializable_data(saved)["go_live_at"] == saved.serializable_data()["go_live_at"]
    )


# Private names of the libraries the project builds on; only bulk_pages.py may use them
# (a method of our own called through self/cls is ours).
PRIVATE = re.compile(
    r"(?<!self)(?<!cls)\.(_insert|_get_path|_str2int|_extract_references_from_object|_get_content_path_hash"
    r"|_get_base_content_type"
    r"|_batched_insert|_do_insert|_save_table|_prepare_related_fields_for_save)\b"
)
ALLOWED = {"content/imports/bulk_pages.py"}


def test_no_private_library_name_is_used_outside_bulk_pages():
    offenders = []
    for folder in ("cms", "content", "notifications", "config"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative in ALLOWED or "/migrations/" in relative:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if PRIVATE.search(line):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_a_pages_references_are_what_wagtail_extracts(job_index):
    """bulk_pages.extract_references: Wagtail's walk over the model's fields, reference for
    reference and in its order: foreign keys, rich text links, a comment (child relation)."""
    institution, role = InstitutionFactory(), RoleFactory()
    page = _job("linked", institution, role)
    page.description = (
        f'<p>See <a linktype="page" id="{job_index.pk}">the index</a> and '
        f'<a linktype="page" id="{job_index.pk}">again</a>.</p>'
    )
    page.requirements = f'<p><a linktype="page" id="{institution.pk}">Us</a></p>'
    job_index.add_child(instance=page)
    user = get_user_model().objects.create_user("ed", "ed@example.org", "pw")
    Comment.objects.create(page=page, user=user, text="Check", contentpath="title")
    page = JobPostingPage.objects.get(pk=page.pk)
    expected = list(ReferenceIndex._extract_references_from_object(page))
    assert bulk_pages.extract_references(page) == expected
    paths = {content_path for *_, content_path in expected}
    assert {"institution", "role"} <= paths
    for prefix in ("description.", "requirements.", f"{COMMENTS_RELATION_NAME}."):
        assert any(path.startswith(prefix) for path in paths), prefix
