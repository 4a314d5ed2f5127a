"""The SMTP fast path must give the server exactly what Django's EmailMessage path gives:
the same envelope, headers, encoding and bytes; anything it does not cover goes Django's
way. And a digest frame filled per email must equal the template rendered in full."""

import random
import smtplib

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from notifications import mime, sending
from notifications.email import (
    DIGEST_VALUES,
    Branding,
    digest_context,
    digest_frames,
    group_frames,
)
from notifications.mime import Email
from tests.notifications.smtp import free_port

LIST_HEADERS = {
    "List-Unsubscribe": "<https://example.org/alerts/unsubscribe/" + "t" * 90 + "/>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "List-Id": "Job alerts <job-alerts.example.org>",
    "Auto-Submitted": "auto-generated",
}

CASES = {
    "ascii": Email("ada@example.org", "3 new jobs", "* Job\n", "<p>Job</p>\n", LIST_HEADERS),
    "non-ascii subject and body": Email(
        "ada@example.org", "New job: Professur für Informatik", "* Zürich ✓\n", "<p>é</p>", {}
    ),
    "long ascii subject": Email("ada@example.org", "New job: " + "word " * 30, "x\n", "y", {}),
    "long non-ascii subject": Email("ada@example.org", "Neue Stelle: Zürich " * 8, "x", "y", {}),
    "non-ascii header": Email(
        "ada@example.org",
        "Hi",
        "x\r\ny\rz\n",
        "<p>\r\n</p>",
        {"List-Id": "Stellen <jobs.example.org>", "X-Note": "für"},
    ),
    # SMTP ends the message at a line holding only a dot: lines starting with one are
    # dot-stuffed on the way and restored by the server.
    "lines starting with a dot": Email("ada@example.org", "Hi", ".\n..x\n.net\n", ".y\n.", {}),
}


@pytest.fixture
def fixed_ids(monkeypatch):
    """The same Date, Message-ID and boundary on both paths, so bytes can be compared."""
    for module in (mime, mail.message):
        monkeypatch.setattr(
            module, "formatdate", lambda localtime=False: "Sat, 05 Dec 2026 19:00:00 -0000"
        )
        monkeypatch.setattr(module, "make_msgid", lambda domain=None: "<1.2.3@example.org>")
    monkeypatch.setattr(mime, "_new_boundary", lambda: "=_fixed")


@pytest.mark.parametrize("email", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("linesep", ["\r\n", "\n"])
@pytest.mark.parametrize("sender", ["alerts@example.org", "Academic Jobs <alerts@example.org>"])
def test_fast_bytes_are_djangos_bytes(email, linesep, sender, settings, fixed_ids):
    settings.DEFAULT_FROM_EMAIL = sender
    expected = email.message().message().as_bytes(linesep=linesep)
    assert email.as_bytes(linesep) == expected


def test_fast_bytes_carry_the_dkim_signature(settings, fixed_ids, dkim_key, monkeypatch):
    settings.EMAIL_DKIM_PRIVATE_KEY = dkim_key[0]
    settings.EMAIL_DKIM_SELECTOR, settings.EMAIL_DKIM_DOMAIN = "mail", "example.org"
    monkeypatch.setattr("dkim.time.time", lambda: 1_796_000_000)  # the signature's t=
    email = CASES["ascii"]
    raw = email.as_bytes()
    assert raw.startswith(b"DKIM-Signature:")
    assert raw == email.message().message().as_bytes(linesep="\r\n")


UNCOVERED = {
    "non-ascii address": Email("ada@bücher.example", "Hi", "x", "y", {}),
    "line break in a header": Email("ada@example.org", "Hi\r\nBcc: eve@example.org", "x", "y", {}),
    "line over 998 bytes": Email("ada@example.org", "Hi", "é" * 500, "y", {}),
    "a header Django places": Email("ada@example.org", "Hi", "x", "y", {"Date": "yesterday"}),
}


@pytest.mark.parametrize("email", UNCOVERED.values(), ids=UNCOVERED.keys())
def test_what_the_fast_path_does_not_cover_goes_djangos_way(email):
    assert email.as_bytes() is None


def test_another_charset_goes_djangos_way(settings):
    settings.DEFAULT_CHARSET = "iso-8859-1"
    assert CASES["ascii"].as_bytes() is None


class Recorder:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


class DjangosWay(SMTPBackend):
    """A subclass of the SMTP backend: sending.send must not take the fast path."""


@pytest.mark.parametrize("sender", ["alerts@example.org", "Academic Jobs <alerts@example.org>"])
def test_the_server_gets_the_same_envelope_and_bytes_either_way(sender, settings, fixed_ids):
    settings.DEFAULT_FROM_EMAIL = sender
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        for backend in (SMTPBackend, DjangosWay):
            connection = backend(host="127.0.0.1", port=controller.port)
            connection.open()
            for email in CASES.values():
                sending.send(connection, email)
            connection.close()
    finally:
        controller.stop()
    fast, djangos = recorder.received[: len(CASES)], recorder.received[len(CASES) :]
    assert fast == djangos
    assert fast[0][:2] == ("alerts@example.org", ["ada@example.org"])


ATEXT = "abcXYZ019!#$%&'*+/=?^_`{|}~-"
ODD_ADDRESSES = [
    "Academic Jobs <alerts@example.org>",
    '"ada lovelace"@example.org',
    "ada@[127.0.0.1]",
    "ada..lovelace@example.org",
    ".ada@example.org",
    "ada@example..org",
    "ada @example.org",
    "ada@bücher.example",
    "ada(comment)@example.org",
    "<ada@example.org>",
    "not an address",
    "",
]


def test_envelope_addresses_are_smtplibs():
    """The envelope skips smtplib's address parser for plain addresses; both must agree,
    on plain ones and on everything that is not (which goes through the parser)."""
    rng = random.Random(5)

    def atom():
        return "".join(rng.choice(ATEXT) for _ in range(rng.randint(1, 6)))

    def label():
        return "".join(rng.choice("abz09-") for _ in range(rng.randint(1, 6)))

    plain = [
        ".".join(atom() for _ in range(rng.randint(1, 3)))
        + "@"
        + ".".join(label() for _ in range(rng.randint(1, 3)))
        for _ in range(2000)
    ]
    for address in plain + ODD_ADDRESSES:
        assert sending._envelope_address(address) == smtplib.quoteaddr(address), address


def test_other_backends_get_djangos_email_object(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with mail.get_connection() as connection:
        sending.send(connection, CASES["ascii"])
    (message,) = mail.outbox
    assert message.alternatives[0][0] == "<p>Job</p>\n"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


BRANDINGS = [
    Branding(site_name="Jobs & <Co>", accent="#0b5cad", accent_on_dark="#6a9fd3"),
    Branding(
        site_name="Academic Jobs",
        accent="#aa0000",
        accent_on_dark="#dd8888",
        postal_address="1 Road\nTown",
        logo_url="https://example.org/logo.png",
        logo_width=120,
        logo_height=40,
    ),
]


@pytest.mark.parametrize("branding", BRANDINGS)
def test_a_filled_frame_is_the_template_rendered_in_full(branding):
    values = {name: f"{name} <b>&amp; \"quoted\" 'it'</b>" for name in DIGEST_VALUES}
    values["groups_html"] = mark_safe("<tr><td>safe &amp; sound</td></tr>")
    values["manage_url"] = "https://example.org/manage?token=a:b&x=1"
    text_frame, html_frame = digest_frames(branding)
    context = {**digest_context(branding), **values}
    assert text_frame.fill(values) == render_to_string("notifications/email/digest.txt", context)
    assert html_frame.fill(values) == render_to_string("notifications/email/digest.html", context)


@pytest.mark.parametrize("branding", BRANDINGS)
def test_a_filled_group_heading_is_the_template_rendered_in_full(branding):
    title = "PhD · “robots & <AI>” · Germany"
    text_frame, html_frame = group_frames(branding)
    context = {"title": title, "branding": branding}
    assert text_frame.fill({"title": title}) == render_to_string(
        "notifications/email/group.txt", context
    )
    assert html_frame.fill({"title": title}) == render_to_string(
        "notifications/email/group.html", context
    )
