"""The page forms as an editor meets them: disciplines picked from their tree, and the
application URL / email pair explained before the form is ever submitted."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content.models import Discipline, JobPostingPage
from content.widgets import tree_order
from tests.content.admin_forms import admin_form
from tests.content.factories import DisciplineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """Two top-level disciplines, each with children, created out of tree order."""
    maths = DisciplineFactory(name="Mathematics", slug="mathematics")
    cs = DisciplineFactory(name="Computer Science", slug="computer-science")
    DisciplineFactory(name="Statistics", slug="statistics", parent=maths)
    DisciplineFactory(name="Machine Learning", slug="machine-learning", parent=cs)
    DisciplineFactory(name="Algebra", slug="algebra", parent=maths)
    return {"maths": maths, "cs": cs}


def tree_rows(html: str, name: str) -> list[tuple[str, int, str]]:
    """(label, depth, input type) for each option of the named field's tree, in page order."""
    soup = BeautifulSoup(html, "html.parser")
    rows = []
    for item in soup.select(".discipline-tree__item"):
        field = item.find("input")
        if field["name"] == name:
            rows.append((item.get_text(" ", strip=True), int(item["data-depth"]), field["type"]))
    return rows


def test_tree_order_puts_children_under_their_parent_and_orphans_at_the_top(tree):
    everything = Discipline.objects.order_by("name")
    assert [(d.name, depth) for d, depth in tree_order(everything)] == [
        ("Computer Science", 0),
        ("Machine Learning", 1),
        ("Mathematics", 0),
        ("Algebra", 1),
        ("Statistics", 1),
    ]
    # A child whose parent is not offered still appears, at the top level.
    children_only = everything.exclude(parent=None)
    assert [depth for _d, depth in tree_order(children_only)] == [0, 0, 0]


def test_the_job_form_offers_disciplines_as_a_tree_of_checkboxes(editor, add_job_url, tree):
    html = editor.get(add_job_url).content.decode()
    assert tree_rows(html, "disciplines") == [
        ("Computer Science", 0, "checkbox"),
        ("Machine Learning", 1, "checkbox"),
        ("Mathematics", 0, "checkbox"),
        ("Algebra", 1, "checkbox"),
        ("Statistics", 1, "checkbox"),
    ]
    assert not BeautifulSoup(html, "html.parser").select("select[name=disciplines]")
    assert "content/admin/discipline-tree.css" in html


def test_the_tree_costs_the_same_queries_however_many_disciplines(editor, add_job_url, tree):
    def render_queries():
        with CaptureQueriesContext(connection) as queries:
            assert editor.get(add_job_url).status_code == 200
        return len(queries)

    before = render_queries()
    for n in range(10):
        DisciplineFactory(name=f"Topic {n}", parent=tree["cs"])
    assert render_queries() == before


def test_checked_disciplines_are_saved_with_the_job(editor, add_job_url, tree):
    ml = tree["cs"].children.get()
    response = editor.post(add_job_url, admin_form(disciplines=[ml.pk, tree["maths"].pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    job = JobPostingPage.objects.get(slug="lecturer-in-statistics")
    assert set(job.disciplines.values_list("slug", flat=True)) == {
        "machine-learning",
        "mathematics",
    }
    # Editing shows them ticked.
    html = editor.get(reverse("wagtailadmin_pages:edit", args=[job.pk])).content.decode()
    ticked = BeautifulSoup(html, "html.parser").select("input[name=disciplines][checked]")
    assert {int(box["value"]) for box in ticked} == {ml.pk, tree["maths"].pk}


def test_a_glossary_term_picks_disciplines_from_the_tree(editor, glossary_index, tree):
    url = reverse("wagtailadmin_pages:add", args=("content", "definitionpage", glossary_index.pk))
    rows = tree_rows(editor.get(url).content.decode(), "disciplines")
    assert [(label, depth) for label, depth, _type in rows][:2] == [
        ("Computer Science", 0),
        ("Machine Learning", 1),
    ]


def test_a_guide_picks_one_discipline_or_none_from_the_tree(editor, guide_index, tree):
    url = reverse("wagtailadmin_pages:add", args=("content", "guidepage", guide_index.pk))
    rows = tree_rows(editor.get(url).content.decode(), "discipline")
    assert rows[:3] == [
        ("None", 0, "radio"),
        ("Computer Science", 0, "radio"),
        ("Machine Learning", 1, "radio"),
    ]


def test_the_form_says_before_submit_that_a_url_or_an_email_is_needed(editor, add_job_url):
    soup = BeautifulSoup(editor.get(add_job_url).content.decode(), "html.parser")
    applying = soup.find(string="Applying").find_parent("section")
    text = applying.get_text(" ", strip=True)
    assert "Give at least one way to apply: an application URL, an application email" in text
    for name, hint in [
        ("application_url", "Give this, an email below, or both."),
        ("application_email", "Give this, a URL above, or both."),
    ]:
        field = applying.find("input", attrs={"name": name})
        described_by = soup.find(id=field["aria-describedby"])
        assert hint in described_by.get_text()


def test_neither_url_nor_email_is_still_refused(editor, add_job_url):
    response = editor.post(add_job_url, admin_form(application_url=""))
    assert response.status_code == 200
    assert "Give an application URL or an application email" in response.content.decode()
    assert not JobPostingPage.objects.exists()
