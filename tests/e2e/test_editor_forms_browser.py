"""In a real browser, on the demo site: an editor writes a job posting and a guide from blank
forms, picking disciplines from their tree, seeing how to give an application URL or email
before saving, and choosing glossary terms by alias; the saved definition-list rows are
labelled with their terms. Screenshots go to docs/screenshots (UPDATE_SCREENSHOTS=1)."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from content.models import (
    GuideIndexPage,
    GuidePage,
    HomePage,
    JobIndexPage,
    JobPostingPage,
)
from tests.e2e.test_admin_browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

JOB_TITLE = (
    "PhD studentship in robust reinforcement learning for laboratory robots that plan their own "
    "experiments under uncertainty, with a secondment to the Automatic Control Laboratory"
)
GUIDE_TITLE = "Words a PhD advert uses"
SAVED = re.compile("' created|has been updated")  # not "could not be created"


@pytest.fixture
def demo_site(transactional_db):
    call_command("seed_demo", jobs=3, stdout=StringIO(), stderr=StringIO())
    editor = User.objects.create_user("eddie", "eddie@example.org", "editor-pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    return {
        "home": HomePage.objects.get(),
        "jobs": JobIndexPage.objects.get(),
        "guides": GuideIndexPage.objects.get(),
    }


def choose_snippet(page, button, item):
    """Pick a snippet in the admin's chooser modal, searching for it first."""
    page.get_by_role("button", name=button).click()
    modal = page.locator(".modal-content")
    modal.get_by_role("textbox").first.fill(item)
    modal.get_by_role("link", name=item, exact=True).click()
    expect(modal).to_be_hidden()


def choose_term(page, block, search, term):
    """Find a glossary term in the term picker by what the editor remembers of it."""
    block.get_by_role("button", name="Choose a glossary term").click()
    modal = page.locator(".modal-content")
    modal.get_by_placeholder("Term, abbreviation or alias").fill(search)
    expect(modal.locator("tbody tr")).to_have_count(1)
    expect(modal.locator("tbody tr")).to_contain_text(term)
    return modal


def save_draft(page):
    """Click as an editor does, whatever Wagtail's autosave (on, every 500 ms) is doing."""
    page.get_by_role("button", name="Save draft").click()


def is_autosave(request):
    return request.method == "POST" and request.headers.get("accept") == "application/json"


def section_around(page, field_selector):
    """The innermost panel section holding the field."""
    return page.locator("section", has=page.locator(field_selector)).last


def test_editor_writes_a_job_and_a_guide_from_blank_forms(
    live_server, demo_site, browser_pages, screenshot
):
    editor = browser_pages()
    log_in(editor, live_server.url, "eddie", "editor-pw")

    # The site's root is the home page, with the three sections under it.
    editor.goto(f"{live_server.url}/admin/pages/{demo_site['home'].pk}/edit/")
    expect(editor.locator("#id_intro")).to_have_value(demo_site["home"].intro)
    featured = editor.get_by_role("region", name="Featured guides")
    expect(featured).to_contain_text("PhD Jobs in Machine Learning")
    screenshot(editor.locator("main"), "home-page")

    # Seeded jobs show when they were last updated.
    editor.goto(f"{live_server.url}/admin/pages/{demo_site['jobs'].pk}/")
    listing = editor.locator("table.listing")
    headers = listing.locator("thead th").all_inner_texts()
    updated = [h.strip() for h in headers].index("Updated")
    rows = listing.locator("tbody tr")
    expect(rows).to_have_count(3)
    for row in rows.all():
        assert row.locator("td").nth(updated).inner_text().strip()
    # ... and which institution, role and closing date each is for (content/job_admin.py).
    headers = [h.strip() for h in headers]
    assert headers.index("Institution") < headers.index("Role") < headers.index("Closes")
    for job in JobPostingPage.objects.select_related("institution", "role"):
        row = rows.filter(has_text=job.title)
        cells = row.locator("td")
        expect(cells.nth(headers.index("Institution"))).to_have_text(job.institution.name)
        expect(cells.nth(headers.index("Role"))).to_have_text(job.role.name)
        expect(cells.nth(headers.index("Closes"))).not_to_be_empty()
    screenshot(listing, "jobs-listing-updated")

    # --- A job posting from a blank form
    editor.get_by_role("link", name=re.compile("Add child page")).first.click()
    editor.wait_for_url(re.compile(r"/add/content/jobpostingpage/"))
    editor.fill("#id_title", JOB_TITLE)
    # A long title wraps and is seen whole; Enter adds no line break to it.
    title = editor.locator("#id_title")
    title.press("End")
    title.press("Enter")
    expect(title).to_have_value(JOB_TITLE)
    heights = title.evaluate("el => [el.scrollHeight, el.clientHeight, el.offsetWidth]")
    assert heights[0] <= heights[1] and heights[1] > 60, heights  # two lines or more, none hidden
    screenshot(section_around(editor, "#id_title"), "job-long-title")
    choose_snippet(editor, "Choose institution", "ETH Zurich")
    choose_snippet(editor, "Choose role", "PhD studentship")

    tree = editor.locator("#id_disciplines")
    machine_learning = tree.get_by_role("checkbox", name="Machine Learning", exact=True)
    machine_learning.check()
    tree.get_by_role("checkbox", name="Robotics", exact=True).check()
    # Children sit indented under their parent, which comes first.
    item = tree.locator(".discipline-tree__item").filter(
        has=editor.get_by_role("checkbox", name="Machine Learning", exact=True)
    )
    expect(item).to_have_attribute("data-depth", "1")
    parent = item.locator("xpath=preceding-sibling::*[@data-depth='0'][1]")
    expect(parent).to_have_text("Computer Science")
    machine_learning.scroll_into_view_if_needed()
    screenshot(section_around(editor, "#id_disciplines"), "job-disciplines-tree")

    # Before anything is submitted, the form says a URL or an email is needed.
    applying = section_around(editor, "#id_application_email")
    expect(applying).to_contain_text("Give at least one way to apply")
    expect(applying).to_contain_text("Give this, a URL above, or both.")
    screenshot(applying, "job-application-help")

    editor.fill("#id_closing_date", (timezone.localdate() + dt.timedelta(days=40)).isoformat())
    description = editor.locator("[data-contentpath='description'] [contenteditable=true]")
    description.click()
    description.type("Train agents that stay safe when the world changes.")

    # Saving without either is still refused, with the reason at the field.
    save_draft(editor)
    expect(editor.locator(".messages")).to_contain_text("could not be created")
    expect(applying).to_contain_text("Give an application URL or an application email")
    assert not JobPostingPage.objects.filter(title=JOB_TITLE).exists()

    editor.fill("#id_application_email", "phd-rl@ethz.example")
    save_draft(editor)
    expect(editor.locator(".messages")).to_contain_text(SAVED, timeout=20_000)
    job = JobPostingPage.objects.get(title=JOB_TITLE)
    assert job.institution.slug == "eth-zurich" and job.application_email
    assert set(job.disciplines.values_list("slug", flat=True)) == {"machine-learning", "robotics"}

    # --- A guide from a blank form
    editor.goto(f"{live_server.url}/admin/pages/{demo_site['guides'].pk}/")
    editor.get_by_role("link", name=re.compile("Add child page")).first.click()
    editor.wait_for_url(re.compile(r"/add/content/guidepage/"))
    editor.fill("#id_title", GUIDE_TITLE)
    editor.fill("#id_summary", "The terms a doctoral advert takes for granted.")
    editor.locator("#id_discipline").get_by_role("radio", name="Machine Learning").check()

    body = editor.locator("[data-contentpath='body']")
    body.get_by_role("button", name="Insert a block").click()
    editor.get_by_role("option", name="Definition list (glossary terms)").click()
    editor.fill("#body-0-value-heading", "Words to know")
    terms = body.locator("[data-contentpath='terms']")
    modal = choose_term(editor, terms, "doctorate", "Doctor of Philosophy (PhD)")  # an alias
    screenshot(modal, "term-chooser-alias-search")
    modal.get_by_role("link", name="Doctor of Philosophy (PhD)").click()
    expect(modal).to_be_hidden()
    terms.get_by_role("button", name="Add").last.click()
    modal = choose_term(editor, terms, "neural nets", "Neural Networks")
    modal.get_by_role("link", name="Neural Networks").click()
    expect(modal).to_be_hidden()

    save_draft(editor)
    expect(editor.locator(".messages")).to_contain_text(SAVED, timeout=20_000)
    guide = GuidePage.objects.get(title=GUIDE_TITLE)
    assert guide.discipline.slug == "machine-learning"
    (definition_list,) = guide.body
    assert [term.slug for term in definition_list.value["terms"]] == ["phd", "neural-networks"]

    # Reopened, each row is a "Term" showing its term; collapsed, its heading names the term.
    editor.goto(f"{live_server.url}/admin/pages/{guide.pk}/edit/")
    terms = editor.locator("[data-contentpath='body'] [data-contentpath='terms']")
    expect(terms.locator(".c-sf-block__type")).to_have_text(["Term", "Term"])
    expect(terms).to_contain_text("Doctor of Philosophy (PhD)")
    expect(terms).to_contain_text("Neural Networks")
    terms.get_by_role("button", name="Toggle section").nth(1).click()
    expect(terms.locator("[data-panel-heading-text]").nth(1)).to_have_text("Neural Networks")
    terms.scroll_into_view_if_needed()
    screenshot(section_around(editor, "#body-0-value-heading"), "definition-list-rows")

    # Related guides are chosen from the guides in a chooser; the guide itself is refused.
    related = editor.locator("#panel-child-content-related_guides-section")
    related.get_by_role("button", name=re.compile("Add related guide", re.I)).click()
    modal = editor.locator(".modal-content")
    for title in ("PhD Jobs in Machine Learning", GUIDE_TITLE):
        modal.locator("tr", has_text=title).get_by_role("checkbox").check()
    screenshot(modal, "related-guides-chooser")
    modal.get_by_role("button", name=re.compile("Confirm selection", re.I)).click()
    expect(modal).to_be_hidden()
    expect(related).to_contain_text("PhD Jobs in Machine Learning")
    save_draft(editor)
    expect(related).to_contain_text("A guide cannot be related to itself.")
    # Remove it (the second row) and save: the other one stays.
    related.locator("[data-inline-panel-child]:visible").nth(1).get_by_role(
        "button", name=re.compile("Delete", re.I)
    ).click()
    save_draft(editor)
    expect(editor.locator(".messages")).to_contain_text(SAVED, timeout=20_000)
    draft = GuidePage.objects.get(pk=guide.pk).get_latest_revision_as_object()
    assert [link.guide.title for link in draft.related_guide_links.all()] == [
        "PhD Jobs in Machine Learning"
    ]
    screenshot(related, "related-guides-panel")

    # The dashboard's "Job alerts" panel lines up with Wagtail's own panels.
    editor.goto(f"{live_server.url}/admin/")
    alerts = editor.locator("#job-alerts-section")
    recent = editor.locator("#recent-edits-section")
    expect(alerts).to_contain_text("Active alerts")
    expect(recent).to_contain_text(GUIDE_TITLE)
    alerts_box, recent_box = alerts.bounding_box(), recent.bounding_box()
    assert alerts_box["x"] == recent_box["x"] and alerts_box["width"] == recent_box["width"]
    heading_x = [
        panel.locator(".w-panel__heading").bounding_box()["x"] for panel in (alerts, recent)
    ]
    assert heading_x[0] == heading_x[1]
    screenshot(editor.locator("main"), "dashboard-job-alerts")
    # Under Playwright's sync API this body runs in a context of its own, where Django opened
    # a connection of its own: close it, or it keeps the test database from being dropped.
    connections.close_all()


@pytest.mark.parametrize("kind", ["job", "guide"])
def test_save_draft_while_the_autosave_creates_the_page(
    live_server, demo_site, browser_pages, kind
):
    """Wagtail's first autosave of an add form creates the page; a click on Save draft while
    that request is on its way used to post a second create of the same page: "slug already
    in use", or a 500 when the two overlapped (content/static/content/admin/
    autosave-then-submit.js). The click here comes the moment the autosave leaves."""
    editor = browser_pages()
    log_in(editor, live_server.url, "eddie", "editor-pw")
    model, section = {"job": ("jobpostingpage", "jobs"), "guide": ("guidepage", "guides")}[kind]
    editor.goto(f"{live_server.url}/admin/pages/add/content/{model}/{demo_site[section].pk}/")
    # Wagtail's unsaved-changes check takes the form's state 2 s after load as "unchanged".
    editor.wait_for_timeout(2500)
    if kind == "job":
        editor.fill("#id_title", JOB_TITLE)
        choose_snippet(editor, "Choose institution", "ETH Zurich")
        choose_snippet(editor, "Choose role", "PhD studentship")
        closing = timezone.localdate() + dt.timedelta(days=40)
        editor.fill("#id_closing_date", closing.isoformat())
        with editor.expect_request(is_autosave):
            editor.fill("#id_application_email", "phd-rl@ethz.example")
    else:
        with editor.expect_request(is_autosave):
            editor.locator("#id_title").press_sequentially(GUIDE_TITLE, delay=30)
    save_draft(editor)
    expect(editor.locator(".messages")).to_contain_text(SAVED, timeout=20_000)
    expect(editor.locator(".error-message")).to_have_count(0)
    model = JobPostingPage if kind == "job" else GuidePage
    title = JOB_TITLE if kind == "job" else GUIDE_TITLE
    assert model.objects.filter(title=title).count() == 1
    connections.close_all()
