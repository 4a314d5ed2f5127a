"""The frontend as candidates, subscribers and institutions meet it, at a phone's width
(375 px) and a desktop's (1280 px): search that works on a phone, the pages candidates
expect, alerts people can manage, keyboard-only use, and axe-core on every page type.

The pictures of every page type in docs/screenshots come from here, on request only:
    UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest \
        tests/e2e/test_frontend_design_browser.py -k pictures
"""

import io
import re
from urllib.parse import quote, unquote

import pytest
import requests
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from content.models import Discipline, GuidePage, Institution, JobPostingPage, Role
from notifications.email import one_click_unsubscribe_url
from notifications.models import JobAlert
from notifications.tokens import manage_token
from tests.e2e.conftest import ROOT
from tests.notifications.factories import confirmed_subscriber

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 667}  # an iPhone SE: the smallest screen in common use
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--jobs", "40", stdout=io.StringIO())


@pytest.fixture
def open_page(chromium):
    """A fresh browser page (its own context) at a given size and colour scheme."""
    contexts = []

    def open_(viewport=DESKTOP, **options):
        # bypass_csp: only so that the test can inject axe-core; pages load as they are.
        context = chromium.new_context(viewport=viewport, bypass_csp=True, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )


def total(page) -> int:
    return int(page.locator(".result-count").get_attribute("data-total"))


def test_on_a_phone_results_come_first_and_filters_wait_in_a_drawer(demo, frontend, open_page):
    page = open_page(PHONE)
    page.goto(f"{frontend}/jobs/")
    # The first result is wholly on the first screen, below the search box.
    search = page.locator("#search-keywords").bounding_box()
    first = page.locator(".job-card").first.bounding_box()
    assert first["y"] >= search["y"] + search["height"]
    assert first["y"] + first["height"] <= PHONE["height"], first
    expect(page.locator(".result-count")).to_be_in_viewport()
    expect(page.locator(".sort")).to_be_in_viewport()
    expect(page.locator("[data-facet=disciplines]")).to_be_hidden()

    # Filters open in a drawer; a facet shows its top values and "Show N more".
    page.locator(".filter-drawer > summary").click()
    group = page.locator("[data-facet=disciplines]")
    expect(group).to_be_visible()
    assert group.locator(":scope > ul > li").count() <= 5
    expect(group.locator(".more > summary")).to_contain_text(re.compile(r"Show \d+ more"))
    facet = group.locator(":scope > ul a").first
    name = facet.locator(".facet-name").text_content().strip()
    count = int(facet.locator(".count").text_content().strip("()"))
    facet.click()
    expect(page).to_have_url(re.compile(r"/jobs/\?disciplines=[\w-]+$"))
    assert total(page) == count

    # The selection is a removable chip; a second filter, then "Clear all".
    chips = page.locator(".chips .chip")
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text(name)
    page.locator(".filter-drawer > summary").click()
    page.locator("[data-facet=remote] a").first.click()
    expect(chips).to_have_count(2)
    assert "remote=" in page.url
    chips.filter(has_text=name).click()
    expect(page).to_have_url(re.compile(r"/jobs/\?remote=\w+$"))
    page.get_by_role("link", name="Clear all").click()
    expect(page).to_have_url(re.compile(r"/jobs/$"))
    expect(chips).to_have_count(0)


def test_no_results_suggests_removing_a_filter(demo, frontend, open_page):
    page = open_page(PHONE)
    page.goto(f"{frontend}/jobs/?search=glaciology&roles=phd")
    expect(page.locator("[data-state=no-results]")).to_contain_text("Try removing a filter")
    page.locator("[data-state=no-results] .chip", has_text="glaciology").click()
    expect(page).to_have_url(re.compile(r"/jobs/\?roles=phd$"))
    assert total(page) > 0


def test_search_and_filters_work_from_the_keyboard_alone(demo, frontend, open_page):
    page = open_page(DESKTOP)
    page.goto(f"{frontend}/jobs/")

    def tab_to(predicate: str, limit: int = 80):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => {{ const el = document.activeElement; return {predicate}; }}"):
                # Where the focus is, the ring shows.
                outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
                assert outline != "none"
                return
        raise AssertionError(f"never reached {predicate}")

    tab_to("el.id === 'search-keywords'")
    page.keyboard.type("learning")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"search=learning"))
    searched = total(page)
    assert searched > 0
    tab_to("!!el.closest('[data-facet=roles]') && el.tagName === 'A'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"search=learning&roles=[\w-]+"))
    assert total(page) <= searched
    tab_to("el.classList.contains('chip')")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/jobs/\?roles=[\w-]+$"))


def test_a_job_page_puts_the_key_facts_and_the_apply_action_first(demo, frontend, open_page):
    jobs = JobPostingPage.objects.live().exclude(closing_date=None)
    job = jobs.exclude(application_url="").first()
    job.education_requirement = "bachelor degree"
    job.save_revision().publish()
    page = open_page(PHONE)
    page.goto(f"{frontend}/jobs/{job.slug}/")
    facts = page.locator(".key-facts")
    for term in ("Closing date", "Contract", "Location"):
        expect(facts.locator("dt", has_text=term)).to_have_count(1)
    closes = re.compile(r"\(closes (today|tomorrow|in \d+ days)\)")
    expect(facts.locator(".closes-in")).to_have_text(closes)
    apply = facts.get_by_role("link", name="Apply on the employer's site")
    # Through the CMS's counting endpoint (cms/activity.py), which sends the visitor on.
    href = apply.get_attribute("href")
    assert href.endswith(f"/apply/{job.pk}/")
    followed = requests.get(
        href, allow_redirects=False, headers={"User-Agent": "Mozilla/5.0"}, timeout=30
    )
    assert followed.status_code == 302
    assert followed.headers["Location"] == job.application_url
    # On a phone the facts come before the description.
    about = page.locator("h2", has_text="About the position")
    assert facts.bounding_box()["y"] < about.bounding_box()["y"]
    expect(page.locator("main")).to_contain_text("Bachelor's degree")
    expect(page.locator("main")).not_to_contain_text("bachelor degree")
    card = page.locator(".institution-card")
    expect(card).to_contain_text(job.institution.name)
    expect(card).to_contain_text("University")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs.locator("[aria-current=page]")).to_have_text(job.title)


FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def test_a_job_page_counts_a_view_with_an_inline_script_under_its_policy(demo, frontend, chromium):
    from cms.models import JobActivity

    job = JobPostingPage.objects.live().first()
    # As a person's browser (a headless one is a bot to the counter), with the page's
    # Content-Security-Policy enforced: the beacon runs only with the request's nonce.
    context = chromium.new_context(user_agent=FIREFOX)
    try:
        page = context.new_page()
        page.goto(f"{frontend}/jobs/{job.slug}/")
        for _ in range(60):
            if JobActivity.objects.filter(job_id=job.pk, views=1).exists():
                break
            page.wait_for_timeout(250)
        assert list(JobActivity.objects.values_list("job_id", "views")) == [(job.pk, 1)]
        # No client component for it: the page loads no script of its own.
        assert page.locator("script[src*='/app/jobs/']").count() == 0
    finally:
        context.close()


def test_a_guide_has_a_table_of_contents_and_the_glossary_links_only_letters_with_terms(
    demo, frontend, open_page, graphql
):
    page = open_page(DESKTOP)
    guide = GuidePage.objects.live().get(slug="phd-jobs-in-machine-learning")
    page.goto(f"{frontend}/guides/{guide.slug}/")
    entries = page.locator(".toc a")
    assert entries.count() > 2
    for href in entries.evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        expect(page.locator(href)).to_have_count(1)  # each entry leads to its section
    expect(page.locator("[data-reading-time]")).to_have_text(re.compile(r"\d+ min read"))

    page.goto(f"{frontend}/glossary/")
    letters = page.locator(".az li")
    disabled = page.locator(".az span[aria-disabled]").all_text_contents()
    linked = page.locator(".az a").all_text_contents()[1:]  # after "All"
    assert disabled and linked and letters.count() == 27
    query = "query($l: String) { definitions(startsWith: $l) { pagination { total } } }"
    for letter, expected in ((disabled[0], 0), (linked[0], None)):
        found = graphql.execute(query, {"l": letter})["definitions"]["pagination"]["total"]
        assert found == 0 if expected == 0 else found > 0, letter


def test_a_subscriber_reads_each_alert_in_words_and_deletes_one_only_on_confirming(
    demo, frontend, open_page
):
    subscriber = confirmed_subscriber(
        "ada@example.org",
        frequency="DAILY",
        roles=[Role.objects.get(slug="phd")],
        disciplines=[Discipline.objects.get(slug="machine-learning")],
        countries=["GB"],
    )
    token = manage_token(subscriber.pk)
    alert = JobAlert.objects.get()
    page = open_page(PHONE)
    page.goto(f"{frontend}/alerts/manage/?token={token}")
    assert page.url == f"{frontend}/alerts/manage/"  # the token went into a cookie
    card = page.locator(f"[data-alert='{alert.pk}']")
    expect(card.locator("[data-summary]")).to_have_text(
        "Daily: PhD studentships in Machine Learning, United Kingdom"
    )
    # No list boxes: checkboxes, the chosen ones ticked; the discipline tree nests.
    # One editor at a time, on request: the page does not carry a form per alert.
    assert page.locator("form.alert-form").count() == 1  # "Add an alert"
    card.get_by_role("link", name="Change this alert").click()
    expect(card.locator(f"#alert-{alert.pk}")).to_be_visible()
    assert page.locator("form.alert-form").count() == 2
    assert card.locator("select[multiple]").count() == 0
    expect(card.locator("input[name=disciplines][value=machine-learning]")).to_be_checked()
    expect(card.locator(".tree-children input[value=machine-learning]")).to_have_count(1)
    # Pause and delete look different; delete asks first, and Cancel keeps the alert.
    pause = card.get_by_role("button", name="Pause this alert")
    delete = card.get_by_role("link", name="Delete…")
    assert pause.evaluate("e => getComputedStyle(e).color") != delete.evaluate(
        "e => getComputedStyle(e).color"
    )
    delete.click()
    expect(card.get_by_text("Delete this alert?")).to_be_visible()
    card.get_by_role("link", name="Cancel").click()
    assert JobAlert.objects.filter(pk=alert.pk).exists()
    card.get_by_role("link", name="Delete…").click()
    card.get_by_role("button", name="Yes, delete this alert").click()
    expect(page.locator("[data-status=deleted]")).to_be_visible()
    assert not JobAlert.objects.filter(pk=alert.pk).exists()

    # Unsubscribing (asked first) ends in a clear state with a way back, never an editable page.
    page.get_by_role("link", name="Unsubscribe from all job alerts").click()
    page.get_by_role("button", name="Unsubscribe from all job alerts").click()
    expect(page.locator("[data-status=unsubscribed]")).to_be_visible()
    expect(page.locator("form.alert-form")).to_have_count(0)
    form = page.locator("form.subscribe")
    expect(form.get_by_role("heading")).to_contain_text("Subscribe again")
    expect(form.get_by_role("link", name=re.compile("Privacy"))).to_have_attribute(
        "href", "/privacy/#alerts"
    )
    page.goto(f"{frontend}/alerts/manage/?token={token}")
    expect(page.locator("form.alert-form")).to_have_count(0)


def set_cookies(response: requests.Response) -> dict[str, dict[str, str]]:
    """The Set-Cookie headers of one answer, by path: {path: {attribute: value}}."""
    cookies = {}
    for header in response.raw.headers.getlist("set-cookie"):
        (name, _, value), *flags = [part.partition("=") for part in header.split("; ")]
        attributes = {key.lower(): val for key, _, val in flags}
        cookies[attributes["path"]] = {"name": name, "value": unquote(value), **attributes}
    return cookies


def test_the_manage_link_trades_its_token_for_a_cookie_and_no_address_holds_it(demo, frontend):
    subscriber = confirmed_subscriber("cookie@example.org", roles=[Role.objects.get(slug="phd")])
    alert = JobAlert.objects.get()
    token = manage_token(subscriber.pk)
    browser = requests.Session()
    # The email's link: a 303 to the page without the token (other parameters kept), the token
    # in an HttpOnly, SameSite=Lax, short-lived cookie for the page and its forms' handlers.
    response = browser.get(
        f"{frontend}/alerts/manage/?token={quote(token)}&edit={alert.pk}",
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/alerts/manage/?edit={alert.pk}"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in response.headers["x-robots-tag"]
    cookies = set_cookies(response)
    assert set(cookies) == {"/alerts/manage/", "/api/alerts/"}
    for cookie in cookies.values():
        assert cookie["name"] == "alerts_token" and cookie["value"] == token
        assert "httponly" in cookie and cookie["samesite"] == "Lax"
        assert int(cookie["max-age"]) == 3600
        assert "secure" not in cookie  # served over http here
    # The subscriber's page, at an address without a secret: never stored by a cache, and
    # nothing on it (link, form, payload) holds the token.
    response = browser.get(f"{frontend}/alerts/manage/", timeout=60)
    assert response.status_code == 200 and "cookie@example.org" in response.text
    assert token not in response.text and quote(token) not in response.text
    assert {"private", "no-store"} <= {
        v.strip() for v in response.headers["cache-control"].split(",")
    }
    # The forms post with the cookie alone.
    response = browser.post(
        f"{frontend}/api/alerts/pause/", data={"id": alert.pk}, allow_redirects=False, timeout=60
    )
    assert response.headers["location"] == "/alerts/manage/?status=paused"
    alert.refresh_from_db()
    assert alert.paused_at is not None
    # Erasing forgets the cookie.
    response = browser.post(f"{frontend}/api/alerts/erase/", allow_redirects=False, timeout=60)
    assert response.headers["location"] == "/alerts/subscribed/?status=erased"
    assert {c["value"] for c in set_cookies(response).values()} == {""}
    assert {c["max-age"] for c in set_cookies(response).values()} == {"0"}
    assert not JobAlert.objects.exists()


def test_without_a_valid_cookie_the_manage_page_is_a_public_indexable_page(demo, frontend):
    # What a crawler (no cookie) or a forged, expired cookie gets: how to reach your alerts
    # and a sign-up form; never an error, and nothing asks not to be indexed.
    for cookies, notice in (({}, False), ({"alerts_token": "forged:token"}, True)):
        response = requests.get(f"{frontend}/alerts/manage/", cookies=cookies, timeout=60)
        assert response.status_code == 200
        assert "Manage or pause your alerts" in response.text
        assert 'class="subscribe"' in response.text
        assert ('data-status="invalid"' in response.text) is notice
        assert "noindex" not in response.text
        assert "x-robots-tag" not in response.headers
        assert 'rel="canonical"' in response.text
    robots = requests.get(f"{frontend}/robots.txt", timeout=60).text
    assert "Allow: /alerts/manage/$" in robots and "Disallow: /alerts/" in robots


def test_an_emails_one_click_unsubscribe_url_works_on_the_frontend(demo, frontend, open_page):
    subscriber = confirmed_subscriber("oneclick@example.org")
    with override_settings(
        NOTIFICATIONS_UNSUBSCRIBE_URL=f"{frontend}/alerts/unsubscribe/{{token}}/",
    ):
        url = one_click_unsubscribe_url(manage_token(subscriber.pk))
    assert url.startswith(f"{frontend}/alerts/unsubscribe/")
    page = open_page()
    # RFC 8058: the mail provider POSTs this body, with no cookies, to the header's URL.
    response = page.request.post(
        url,
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        max_redirects=0,
    )
    assert response.status == 200, response.text()
    subscriber.refresh_from_db()
    assert subscriber.status == subscriber.Status.UNSUBSCRIBED


def page_types(frontend) -> dict[str, str]:
    """One address of every page type."""
    job = JobPostingPage.objects.live().first()
    institution = Institution.objects.filter(jobs__live=True).first()
    subscriber = confirmed_subscriber(
        "pictures@example.org",
        frequency="WEEKLY",
        roles=[Role.objects.get(slug="postdoc")],
        countries=["GB", "DE"],
    )
    return {
        "home": "/",
        "search": "/jobs/",
        "search-filtered": "/jobs/?disciplines=computer-science&remote=HYBRID",
        "search-no-results": "/jobs/?search=glaciology&roles=phd",
        "landing": "/phd-jobs/machine-learning/",
        "job": f"/jobs/{job.slug}/",
        "institution": f"/institutions/{institution.slug}/",
        "guides": "/guides/",
        "guide": "/guides/phd-jobs-in-machine-learning/",
        "glossary": "/glossary/",
        "glossary-term": "/glossary/machine-learning/",
        "alerts-public": "/alerts/manage/",  # before the next: no cookie yet
        "alerts-manage": f"/alerts/manage/?token={manage_token(subscriber.pk)}",
        "unsubscribed": f"/alerts/unsubscribe/{manage_token(subscriber.pk)}/?status=unsubscribed",
        "privacy": "/privacy/",
        "post-a-job": "/post-a-job/",
    }


def test_every_page_type_passes_axe_at_both_widths_and_in_dark_mode(demo, frontend, open_page):
    pages = page_types(frontend)
    failures = {}
    for scheme in ("light", "dark"):
        for viewport in (PHONE, DESKTOP):
            page = open_page(viewport, color_scheme=scheme)
            for name, path in pages.items():
                response = page.goto(f"{frontend}{path}")
                assert response.status == 200, path
                # No sideways scrolling at either width.
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"], path
                if path != "/" and name != "home":
                    expect(page.get_by_role("navigation", name="Breadcrumb")).to_have_count(1)
                violations = axe_violations(page)
                if violations:
                    failures[f"{name} {viewport['width']} {scheme}"] = violations
    assert not failures, (sorted(failures), failures)


def test_pictures_of_every_page_type(demo, frontend, open_page, screenshot):
    """docs/screenshots/frontend-<page>-<width>.png (with UPDATE_SCREENSHOTS=1)."""
    pages = page_types(frontend)
    for viewport in (PHONE, DESKTOP):
        height = 900 if viewport is DESKTOP else 812
        page = open_page({"width": viewport["width"], "height": height})
        for name, path in pages.items():
            page.goto(f"{frontend}{path}")
            assert screenshot(page, f"frontend-{name}-{viewport['width']}").stat().st_size > 0
    page = open_page({"width": 375, "height": 812})
    page.goto(f"{frontend}/jobs/?disciplines=computer-science")
    page.locator(".filter-drawer > summary").click()
    screenshot(page, "frontend-search-filters-drawer-375")
    dark = open_page({"width": 375, "height": 812}, color_scheme="dark")
    dark.goto(f"{frontend}/jobs/")
    screenshot(dark, "frontend-search-375-dark")
    # The "Post a job" request form, below the fold, with a field error, at both widths.
    for viewport in (PHONE, DESKTOP):
        page = open_page(viewport)
        page.goto(f"{frontend}/post-a-job/")
        form = page.locator("form.account-request")
        for name, value in REQUEST_FIELDS.items():
            form.locator(f"#request-{name}").fill(value)
        form.get_by_label("Its country").select_option(label="Germany")
        form.get_by_label("Keep these details").check()
        form.get_by_role("button", name="Send the request").click()
        expect(form.locator("#contactEmail-error")).to_be_visible()
        screenshot(form, f"frontend-post-a-job-form-{viewport['width']}")


REQUEST_FIELDS = {
    "institutionName": "University of Ulm",
    "websiteUrl": "https://www.uni-ulm.example/",
    "contactName": "Ursula Ulmer",
    "position": "Head of HR",
    "contactEmail": "ursula@localhost",  # the browser takes it; the CMS does not
    "message": "About 40 positions a year.",
}


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_an_institution_asks_for_an_account_and_a_mistake_loses_nothing(
    demo, frontend, open_page, javascript
):
    from content.models import InstitutionAccountRequest

    page = open_page(PHONE, java_script_enabled=javascript)
    page.goto(f"{frontend}/post-a-job/")
    expect(page.get_by_role("heading", name="Ask for an institution account")).to_be_visible()
    fields = REQUEST_FIELDS
    for name, value in fields.items():
        page.locator(f"#request-{name}").fill(value)
    country = page.get_by_label("Its country")
    country.select_option(label="Germany")
    consent = page.get_by_label("Keep these details")
    consent.check()
    # axe-core runs in the page, so only with JavaScript: the form as a visitor finds it,
    # with its field errors, and its answer.
    assert not javascript or axe_violations(page) == []
    page.get_by_role("button", name="Send the request").click()

    email = page.locator("#request-contactEmail")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#contactEmail-error")).to_contain_text("internet domain")
    for name, value in fields.items():  # nothing typed is lost
        expect(page.locator(f"#request-{name}")).to_have_value(value)
    expect(country).to_have_value("DE")
    expect(consent).to_be_checked()
    assert not javascript or axe_violations(page) == []
    assert not InstitutionAccountRequest.objects.exists()

    email.fill("ursula@uni-ulm.example")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator("#request-done")).to_contain_text("two working days")
    assert not javascript or axe_violations(page) == []
    request = InstitutionAccountRequest.objects.get()
    assert (request.institution_name, request.country, request.status) == (
        "University of Ulm",
        "DE",
        "PENDING",
    )
