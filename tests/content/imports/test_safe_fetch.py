"""content/imports/safe_fetch.py against local servers only: each family of SSRF bypass
(parser differentials, encodings of 127.0.0.1, IPv6 forms, DNS rebinding, redirects to each)
and a server that drips a byte at a time. Loopback is allowed only where a test says so."""

import io
import socket

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse

from content.imports.safe_fetch import FetchError, fetch, is_public, validate_url
from content.models import FeedFormat, InstitutionMembership, JobFeed
from tests.content.factories import InstitutionFactory
from tests.content.imports.feed_server import Response, feed_server

LIMITS = {"max_bytes": 10_000, "max_seconds": 5, "max_redirects": 3, "timeout": 5}


@pytest.fixture
def target():
    """The server an attacker wants to reach: on loopback, it must never see a request."""
    with feed_server("127.0.0.1") as server:
        server.routes["/secret"] = Response(b"internal")
        yield server


@pytest.fixture
def public():
    """A stand-in for a public server (127.0.0.2): only this address counts as allowed."""
    with feed_server("127.0.0.2") as server:
        yield server


def only(address):
    return lambda candidate: candidate == address


def stub_resolver(*answers_per_call):
    """getaddrinfo's signature; call n answers answers_per_call[n] (the last one repeats)."""
    calls = []

    def resolve(host, port, type=0, **kwargs):
        answers = answers_per_call[min(len(calls), len(answers_per_call) - 1)]
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers]

    resolve.calls = calls
    return resolve


def get(url, **options):
    body = io.BytesIO()
    fetched = fetch(url, body, headers={}, **{**LIMITS, **options})
    return fetched, body.getvalue()


LOOPBACK_FORMS = [
    "http://127.0.0.1:{port}/secret",
    "http://localhost:{port}/secret",
    "http://2130706433:{port}/secret",  # decimal
    "http://0177.0.0.1:{port}/secret",  # octal
    "http://0x7f.1:{port}/secret",  # hex, short
    "http://127.1:{port}/secret",  # short
    "http://[::1]:{port}/secret",
    "http://[::ffff:127.0.0.1]:{port}/secret",  # IPv4-mapped IPv6
    "http://0.0.0.0:{port}/secret",
]


@pytest.mark.parametrize("form", LOOPBACK_FORMS)
def test_every_spelling_of_loopback_is_refused(target, form):
    with pytest.raises(FetchError, match="private or local address"):
        get(form.format(port=target.port))
    assert target.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}\\@example.com/secret",  # urlsplit sees example.com
        "http://example.com\\@127.0.0.1:{port}/secret",
        "http://user:pw@127.0.0.1:{port}/secret",
        "http://example.com@127.0.0.1:{port}/secret",
        "http://127.0.0.1:{port}/se cret",
        "http://127.0.0.1:{port}/\tsecret",
        "ftp://127.0.0.1:{port}/secret",
        "file:///etc/passwd",
        "gopher://127.0.0.1:{port}/",
        "http:///secret",
    ],
)
def test_parser_differentials_are_refused_everywhere(target, url):
    url = url.format(port=target.port)
    with pytest.raises(FetchError):
        get(url, allow=lambda address: True)  # refused even where loopback is allowed
    assert target.requests == []
    with pytest.raises(ValidationError):
        validate_url(url)
    # The model field (and so the admin's form and any API saving a feed) refuses it too.
    with pytest.raises(ValidationError):
        JobFeed._meta.get_field("url").clean(url, None)


def test_a_plain_public_url_passes_the_validator():
    validate_url("https://jobs.example.ac.uk/feed.json?x=1")


@pytest.mark.parametrize(
    "address, public",
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("ff02::1", False),
    ],
)
def test_is_public(address, public):
    assert is_public(address) is public


def test_one_private_answer_among_public_ones_refuses(target):
    resolver = stub_resolver(["8.8.8.8", "127.0.0.1"])
    with pytest.raises(FetchError, match=r"127\.0\.0\.1"):
        get(f"http://feeds.example:{target.port}/secret", resolver=resolver)
    assert target.requests == []


def test_rebinding_cannot_switch_the_address_after_the_check(public):
    """Resolved once: the checked answer is the address connected to, the name stays the
    Host header. A second lookup (which would answer loopback) never happens."""
    public.routes["/feed"] = Response(b"[]")
    resolver = stub_resolver(["127.0.0.2"], ["127.0.0.1"])
    fetched, body = get(
        f"http://feeds.example:{public.port}/feed", resolver=resolver, allow=only("127.0.0.2")
    )
    assert (fetched.status, body) == (200, b"[]")
    assert resolver.calls == ["feeds.example"]
    assert public.requests[0]["Host"] == f"feeds.example:{public.port}"


@pytest.mark.parametrize(
    "location",
    [
        *LOOPBACK_FORMS,
        "http://127.0.0.1:{port}\\@example.com/secret",
        "http://x@127.0.0.1:{port}/secret",
        "file:///etc/passwd",
    ],
)
def test_every_redirect_hop_is_checked(public, target, location):
    public.routes["/feed"] = Response(
        status=302, headers={"Location": location.format(port=target.port)}
    )
    with pytest.raises(FetchError):
        get(public.url("/feed"), allow=only("127.0.0.2"))
    assert len(public.requests) == 1
    assert target.requests == []


def test_a_redirect_to_an_allowed_host_is_followed(public):
    public.routes["/old"] = Response(status=301, headers={"Location": "/new"})
    public.routes["/new"] = Response(b"moved")
    fetched, body = get(public.url("/old"), allow=only("127.0.0.2"))
    assert body == b"moved" and fetched.url.endswith("/new")


def test_a_drip_server_is_cut_off_at_the_deadline(public):
    """A byte every 0.4 s: each read gets something before the per-read timeout, so only
    a deadline enforced inside the reads stops it."""
    public.routes["/drip"] = Response(b"x" * 200, drip=0.4)
    with pytest.raises(FetchError, match=r"longer than 1 s"):
        get(public.url("/drip"), allow=only("127.0.0.2"), max_seconds=1, timeout=3)


def test_the_byte_limit_holds_without_a_content_length(public):
    public.routes["/big"] = Response(b"x" * 50_000, length=False)
    with pytest.raises(FetchError, match=r"larger than the limit of 10,000 bytes"):
        get(public.url("/big"), allow=only("127.0.0.2"))


def test_content_encodings_are_refused(public):
    public.routes["/gz"] = Response(b"\x1f\x8b", headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="Content-Encoding gzip"):
        get(public.url("/gz"), allow=only("127.0.0.2"))


@pytest.mark.django_db
def test_the_admin_form_refuses_what_the_fetch_refuses(client):
    """The report's case: an institution account saved this URL and a job was imported from
    loopback. The feed form (the model field's validator) refuses it now."""
    oxford = InstitutionFactory(slug="oxford")
    member = User.objects.create_user("oxford-hr", "hr@ox.example", "pw")
    InstitutionMembership.objects.create(user=member, institution=oxford)
    client.force_login(member)
    for url in ("http://127.0.0.1:8210\\@example.com/ok.json", "http://a:b@example.com/"):
        response = client.post(
            reverse("job_feeds:add"),
            {
                "name": "Sneaky",
                "institution": str(oxford.pk),
                "url": url,
                "format": FeedFormat.JSON_LD,
                "interval_minutes": "30",
                "column_mapping": "{}",
                "active": "on",
                "owner": "",
            },
        )
        assert response.status_code == 200 and "url" in response.context["form"].errors
    assert not JobFeed.objects.exists()


def test_response_headers_are_case_insensitive(public):
    public.routes["/feed"] = Response(b"[]", headers={"etag": '"v1"'})
    fetched, _ = get(public.url("/feed"), allow=only("127.0.0.2"))
    assert fetched.headers.get("ETag") == '"v1"'
