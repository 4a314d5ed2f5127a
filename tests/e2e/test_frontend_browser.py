"""The reference frontend (frontend/) in a real browser, reading the live CMS's /graphql/:
the guide block by block, facets, a job's JSON-LD, a subscriber's whole path from a search
to a digest's job link (real SMTP server, real Celery worker), and an editor's Preview."""

import email
import io
import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect
from wagtail_headless_preview.settings import headless_preview_settings

from content.models import Discipline, GuideIndexPage, GuidePage, JobIndexPage, Role
from notifications.models import JobAlert, Subscriber
from tests.notifications.factories import publish_job
from tests.notifications.smtp import smtp_server
from tests.processes import Worker, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GUIDE = "phd-jobs-in-machine-learning"
LINK = re.compile(r"https?://[^\s\"<>]+")


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--jobs", "40", stdout=io.StringIO())


def text_part(raw: bytes) -> str:
    message = email.message_from_bytes(raw)
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text/plain part")


def links(raw: bytes, frontend: str) -> list[str]:
    return [url for url in LINK.findall(text_part(raw)) if url.startswith(frontend)]


def test_guide_shows_every_block_and_a_term_leads_to_its_glossary_page(
    demo, frontend, browser_pages, graphql
):
    query = f'{{ guide(slug: "{GUIDE}") {{ title body {{ blockType }} }} }}'
    body = graphql.execute(query)["guide"]
    page = browser_pages()
    page.goto(f"{frontend}/guides/{GUIDE}/")
    expect(page.locator("h1")).to_have_text(body["title"])

    # One component per block, in the CMS's order; none dropped.
    rendered = page.locator("[data-block]").evaluate_all("els => els.map(e => e.dataset.block)")
    assert rendered == [block["blockType"] for block in body["body"]]
    stat = page.locator("[data-block=StatisticBlock]").first
    expect(stat.locator(".statistic-value")).not_to_be_empty()
    expect(stat.locator("figcaption")).not_to_be_empty()
    cta = page.locator("[data-block=JobSearchBlock]").first
    expect(cta.locator(".job-card").first).to_be_visible()  # live matching jobs
    assert "/jobs/?" in cta.locator("a.button").get_attribute("href")
    assert json.loads(page.locator("script[type='application/ld+json']").text_content())

    term = page.locator(".definition-list dt a").first
    name = term.text_content()
    term.click()
    expect(page).to_have_url(re.compile(r"/glossary/[\w-]+/$"))
    expect(page.locator("h1")).to_contain_text(name)
    expect(page.get_by_role("link", name=body["title"])).to_be_visible()  # "used in"


def test_a_facet_click_narrows_the_results_and_the_url_without_javascript(demo, frontend, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{frontend}/jobs/")
    total = int(page.locator(".result-count").get_attribute("data-total"))
    facet = page.locator("[data-facet=disciplines] a").first
    count = int(re.search(r"\((\d+)\)", facet.text_content()).group(1))
    assert 0 < count < total
    facet.click()
    expect(page).to_have_url(re.compile(r"/jobs/\?disciplines=[\w-]+$"))
    assert int(page.locator(".result-count").get_attribute("data-total")) == count
    expect(page.locator("[data-facet=disciplines] a[aria-current]")).to_have_count(1)

    # The landing page of a role and discipline is the same search at a clean address.
    page.goto(f"{frontend}/phd-jobs/machine-learning/")
    expect(page.locator("h1")).to_have_text(re.compile("PhD.* jobs in Machine Learning"))
    assert (
        page.locator("link[rel=canonical]")
        .get_attribute("href")
        .endswith("/phd-jobs/machine-learning/")
    )
    assert page.goto(f"{frontend}/phd-jobs/no-such-discipline/").status == 404
    context.close()


def test_a_job_page_embeds_the_apis_json_ld_as_is(demo, frontend, browser_pages, graphql):
    jobs = graphql.execute("{ jobs(perPage: 1) { items { slug title jsonLd } } }")["jobs"]
    job = jobs["items"][0]
    page = browser_pages()
    page.goto(f"{frontend}/jobs/{job['slug']}/")
    expect(page.locator("h1")).to_have_text(job["title"])
    embedded = page.locator("script[type='application/ld+json']").text_content()
    assert json.loads(embedded) == json.loads(job["jsonLd"])
    expect(page.get_by_role("heading", name="How to apply")).to_be_visible()


def test_subscribe_confirm_edit_then_the_digest_links_open_the_job(
    demo, frontend, browser_pages, settings, tmp_path
):
    glaciology = Discipline.objects.create(name="Glaciology", slug="glaciology")
    postdoc = Role.objects.get(slug="postdoc")
    with smtp_server() as (smtp, port):
        # The confirmation is sent by the CMS's request; the digest by the worker below.
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.NOTIFICATIONS_PUBLIC_BASE_URL = frontend

        page = browser_pages()
        page.goto(f"{frontend}/jobs/?disciplines=glaciology")
        page.fill("form.subscribe input[name=email]", "ice@example.org")
        page.select_option("form.subscribe select[name=frequency]", "INSTANT")
        page.click("form.subscribe button")
        expect(page.locator("[data-status=subscribed]")).to_be_visible()

        wait_for(lambda: smtp.accepted, 30, "the confirmation email")
        (confirm_url,) = [u for u in links(smtp.accepted[0][1], frontend) if "/confirm/" in u]
        page.goto(confirm_url)
        assert Subscriber.objects.get().status == Subscriber.Status.PENDING  # a GET changes nothing
        page.get_by_role("button", name=re.compile("send me job alerts")).click()
        expect(page.locator("[data-status=confirmed]")).to_be_visible()
        assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED

        # Edit the alert on the manage page: postdoc positions only.
        alert = JobAlert.objects.get()
        card = page.locator(f"[data-alert='{alert.pk}']")
        card.get_by_role("link", name="Change this alert").click()
        form = page.locator(f"#alert-{alert.pk}")
        form.locator("input[name=roles][value=postdoc]").check()
        form.get_by_role("button", name="Save alert").click()
        expect(page.locator("[data-status=saved]")).to_be_visible()
        assert list(alert.roles.values_list("slug", flat=True)) == ["postdoc"]
        assert list(alert.disciplines.values_list("slug", flat=True)) == ["glaciology"]

        job = publish_job(
            JobIndexPage.objects.get(),
            title="Postdoc in ice-sheet modelling",
            role=postdoc,
            disciplines=[glaciology],
        )
        worker = Worker(tmp_path, port, FRONTEND_BASE_URL=frontend)
        worker.start()
        try:
            wait_for(
                lambda: len(smtp.accepted) >= 2, 120, "the digest", every=worker.trigger_digest
            )
        finally:
            worker.stop()
        assert smtp.received()["ice@example.org"] == [job.title]
        digest_links = links(smtp.accepted[1][1], frontend)
        for url in digest_links:  # every link in the digest answers on the frontend
            assert page.goto(url).status == 200, url
        (job_url,) = [u for u in digest_links if "/jobs/" in u]
        page.goto(job_url)
        expect(page.locator("h1")).to_have_text(job.title)


def test_an_editors_preview_shows_a_draft_never_published(
    demo, frontend, browser_pages, live_server, monkeypatch
):
    # What PREVIEW_URL sets (the package caches each setting as an attribute on first use).
    monkeypatch.setattr(
        headless_preview_settings, "CLIENT_URLS", {"default": f"{frontend}/preview"}, raising=False
    )
    User.objects.create_superuser("eddie", "eddie@example.org", "editor-pw")
    draft = GuidePage(
        title="Draft guide to glaciology careers", slug="draft", summary="Soon.", live=False
    )
    GuideIndexPage.objects.get().add_child(instance=draft)
    draft.save_revision()
    assert not GuidePage.objects.get(pk=draft.pk).live

    page = browser_pages()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "eddie")
    page.fill("#id_password", "editor-pw")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/admin/pages/{draft.pk}/edit/")
    page.get_by_role("button", name=re.compile("Toggle preview", re.I)).click()
    preview = page.frame_locator("#w-preview-iframe").frame_locator("iframe")
    expect(preview.locator("h1")).to_have_text(draft.title, timeout=20_000)
    # Wagtail reloads the preview as it refreshes: wait again rather than read once.
    expect(preview.locator("main")).to_contain_text("unpublished draft", timeout=20_000)
    # Published pages never show it.
    assert page.goto(f"{frontend}/guides/draft/").status == 404
