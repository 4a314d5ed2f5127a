"""The reference frontend as an attacker meets it (the built `next start` on the live CMS):
every page answers 200, 400 or 404 with a page for any query string, never 500; the feed stays
well-formed XML whatever the data holds; every answer carries a Content-Security-Policy and
frame protection, and pages with a token in their address leak it neither by Referer nor to
search engines. Replayed webhooks are covered in test_frontend_revalidate.py."""

import io
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
import requests
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from content.models import JobPostingPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = [
    "/",
    "/jobs/",
    "/jobs/feed.xml",
    "/phd-jobs/machine-learning/",
    "/guides/",
    "/glossary/",
    "/alerts/manage/",
    "/alerts/subscribed/",
    "/alerts/confirm/some-token/",
    "/alerts/unsubscribe/some-token/",
    "/preview/",
]
TOKEN_PAGES = [
    "/alerts/manage/?token=abc",
    "/alerts/confirm/abc/",
    "/alerts/unsubscribe/abc/",
    "/preview/?content_type=content.jobpostingpage&token=abc",
]
KEYS = [
    "search",
    "disciplines",
    "roles",
    "countries",
    "institutions",
    "remote",
    "fundedOnly",
    "order",
    "page",
    "token",
    "content_type",
    "status",
    "startsWith",
]
# Text as a browser can send it: any character UTF-8 can carry (no lone surrogates).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
NUMBERS = st.integers(min_value=-(2**70), max_value=2**70).map(str)
VALUES = st.one_of(
    TEXT,
    NUMBERS,
    st.sampled_from(["NEWEST", "RELEVANCE", "REMOTE", "true", "content.jobpostingpage", "GB"]),
    st.integers(min_value=201, max_value=2000).map(lambda n: "a" * n),
)
PARAMS = st.lists(st.tuples(st.one_of(st.sampled_from(KEYS), TEXT), VALUES), max_size=6)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--jobs", "12", stdout=io.StringIO())


def get(frontend: str, path: str, params=()) -> requests.Response:
    query = urlencode(list(params))
    return requests.get(
        f"{frontend}{path}{'?' + query if query else ''}", timeout=60, allow_redirects=False
    )


def assert_a_page(response: requests.Response) -> None:
    assert response.status_code in (200, 400, 404), (response.status_code, response.url)
    if response.url.split("?")[0].endswith("feed.xml") and response.status_code == 200:
        ET.fromstring(response.content)
    else:
        assert response.headers["content-type"].startswith("text/html")
        # A notFound() thrown while a page renders arrives as Next's shell with the not-found
        # page in its payload (the browser shows it); everything else is rendered in full.
        assert "<h1" in response.text or "Page not found" in response.text


@pytest.mark.parametrize(
    "path, params",
    [
        ("/jobs/", [("search", "x" * 201)]),
        ("/jobs/", [("disciplines", "a\x00b")]),
        ("/jobs/", [("page", str(2**31))]),
        ("/jobs/feed.xml", [("search", "a\x00")]),
        ("/preview/", [("content_type", "content.jobpostingpage"), ("token", "\x00")]),
        ("/preview/", [("content_type", "content.jobpostingpage"), ("token", "forged")]),
        ("/alerts/manage/", [("token", "a\x00")]),
    ],
)
def test_the_reported_addresses_answer_400_or_404(demo, frontend, path, params):
    response = get(frontend, path, params)
    assert response.status_code in (400, 404)
    assert_a_page(response)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path=st.sampled_from(PAGES), params=PARAMS)
@example(path="/jobs/", params=[("page", "99999999")])
@example(path="/jobs/", params=[("countries", ",".join(["GB"] * 60))])
@example(path="/glossary/", params=[("startsWith", "\x7f")])
def test_any_query_string_gets_a_page_never_a_500(demo, frontend, path, params):
    response = get(frontend, path, params)
    if response.status_code == 303:  # the manage page trades a ?token= for a cookie
        assert path == "/alerts/manage/" and "token" in dict(params)
        assert response.headers["location"].startswith("/alerts/manage/")
        response = requests.get(
            f"{frontend}{response.headers['location']}",
            cookies=response.cookies,
            timeout=60,
            allow_redirects=False,
        )
    assert_a_page(response)


def test_the_feed_is_well_formed_with_control_characters_in_the_data(demo, frontend):
    job = JobPostingPage.objects.live().first()
    # Stored past the forms' validation (an old import, a raw SQL fix): the feed must hold.
    # PostgreSQL's text cannot hold NUL at all; SQLite's can.
    nul = "" if connection.vendor == "postgresql" else "\x00"
    JobPostingPage.objects.filter(pk=job.pk).update(title=f"Bad{nul}\x08\x1b title\ufffe here")
    response = get(frontend, "/jobs/feed.xml")
    assert response.status_code == 200
    titles = [item.findtext("title") for item in ET.fromstring(response.content).iter("item")]
    assert "Bad title here" in titles


def test_every_page_has_a_policy_and_token_pages_leak_nothing(demo, frontend, live_server):
    for path in ["/", "/jobs/", "/jobs/?search=%00", "/glossary/", "/alerts/manage/", *TOKEN_PAGES]:
        response = get(frontend, path)
        policy = response.headers["content-security-policy"]
        if path.startswith("/preview/"):
            # Only the CMS's admin may frame Preview (Wagtail shows it in an iframe).
            assert f"frame-ancestors {live_server.url}" in policy
            assert "x-frame-options" not in response.headers
        else:
            assert "frame-ancestors 'none'" in policy
            assert response.headers["x-frame-options"] == "DENY"
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
        # Every inline script is Next's own, with the nonce, or the JSON-LD data block.
        for tag in re.findall(r"<script\b[^>]*>", response.text):
            assert f'nonce="{nonce}"' in tag or 'type="application/ld+json"' in tag, tag
        is_token_page = path in TOKEN_PAGES
        assert (response.headers.get("referrer-policy") == "no-referrer") is is_token_page
        assert ("noindex" in response.headers.get("x-robots-tag", "")) is is_token_page


def test_each_request_gets_its_own_nonce(frontend, demo):
    policies = {get(frontend, "/jobs/").headers["content-security-policy"] for _ in range(2)}
    assert len(policies) == 2


BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def test_closed_jobs_answer_410_with_similar_open_jobs(demo, frontend):
    import datetime as dt

    from django.utils import timezone

    from content.visibility import bump_generation

    closed, still_open = JobPostingPage.objects.filter(live=True).order_by("pk")[:2]
    JobPostingPage.objects.filter(pk=closed.pk).update(
        closing_date=timezone.localdate() - dt.timedelta(days=1)
    )
    bump_generation()
    response = get(frontend, f"/jobs/{closed.slug}/")
    assert response.status_code == 410
    assert "This job has closed" in response.text
    assert "Search all open jobs" in response.text
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    # An open job is a page whose apply button goes through the CMS's counter.
    page = get(frontend, f"/jobs/{still_open.slug}/")
    assert page.status_code == 200
    assert f"/apply/{still_open.pk}/" in page.text
    # Never public: 404, as before.
    assert get(frontend, "/jobs/no-such-job-ever/").status_code == 404


def test_the_view_beacon_counts_through_the_frontend(demo, frontend):
    from cms.models import JobActivity

    job = JobPostingPage.objects.filter(live=True).order_by("pk").first()
    url = f"{frontend}/api/beacon/view/{job.pk}/"
    assert requests.post(url, headers={"User-Agent": BROWSER}, timeout=60).status_code == 204
    response = requests.post(url, headers={"User-Agent": "curl/8"}, timeout=60)
    assert response.status_code == 204 and "set-cookie" not in response.headers
    assert requests.post(f"{frontend}/api/beacon/view/x/", timeout=60).status_code == 204
    assert list(JobActivity.objects.values_list("job_id", "views")) == [(job.pk, 1)]
