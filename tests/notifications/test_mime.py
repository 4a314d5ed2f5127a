"""Our one-pass MIME writer must produce exactly what the standard generator does."""

import email as email_package
import re
from email import policy

import pytest
from django.core.mail.message import SafeMIMEMultipart

from notifications.mime import AlternativesEmail, Email, FlatAlternatives

CASES = {
    "ascii": ("3 new jobs", "* Job\n  Closes 1 May\n", "<li>Job</li>\n"),
    "non-ascii": ("Neue Stelle: Zürich – Lehrstuhl", "* Zürich ✓\n", "<li>Zürich</li>"),
    "long lines": ("Long", "x" * 1200 + "\n", "<p>" + "é" * 700 + "</p>\r\nend"),
    "long header": ("A subject " * 20, "body\n", "<p>body</p>\n"),
}


@pytest.mark.parametrize("subject,text,html", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("linesep", ["\n", "\r\n"])
def test_flat_writer_matches_the_standard_generator(subject, text, html, linesep):
    email = AlternativesEmail(
        subject,
        text,
        to=["Ada Lovelace <ada@example.org>"],
        headers={"List-Unsubscribe": "<https://example.org/" + "u" * 90 + ">", "List-Id": "x"},
    )
    email.attach_alternative(html, "text/html")
    message = email.message()
    assert type(message) is FlatAlternatives
    message.set_boundary("fixed-boundary")

    assert message.as_bytes(linesep=linesep) == SafeMIMEMultipart.as_bytes(message, linesep=linesep)


def test_a_random_boundary_is_set_when_none_was_given():
    email = AlternativesEmail("Hi", "text", to=["ada@example.org"])
    email.attach_alternative("<p>html</p>", "text/html")
    message = email.message()
    data = message.as_bytes()
    boundary = message.get_boundary()
    assert boundary and data.count(f"--{boundary}".encode()) == 3


def test_other_charsets_use_the_standard_generator(settings):
    settings.DEFAULT_CHARSET = "iso-8859-1"
    email = AlternativesEmail("Hi", "Zürich", to=["ada@example.org"])
    email.attach_alternative("<p>Zürich</p>", "text/html")
    message = email.message()
    message.set_boundary("b")
    assert message.as_bytes() == SafeMIMEMultipart.as_bytes(message)


def test_other_shapes_use_the_standard_generator():
    email = AlternativesEmail("Hi", "text", to=["ada@example.org"])
    email.attach("notes.txt", b"\x00\x01", "application/octet-stream")
    email.attach_alternative("<p>html</p>", "text/html")
    assert b"notes.txt" in email.message().as_bytes()


@pytest.mark.parametrize(
    "subject", ["3 new jobs", "=?utf-8?b?UGFzc3dvcmQgcmVzZXQ=?= now", "Zürich", "A subject " * 20]
)
def test_subjects_are_always_encoded_and_read_back_as_written(subject):
    """A subject is RFC 2047 encoded even when ASCII, so text that looks like an encoded
    word reaches the reader as that text, not as what it would decode to."""
    mail = Email(to="ada@example.org", subject=subject, text="t\n", html="<p>h</p>\n", headers={})
    for raw in (mail.message().message().as_bytes(linesep="\r\n"), mail.as_bytes()):
        line = re.search(rb"\r\nSubject:\s*(\S+)", raw).group(1)
        assert line.startswith(b"=?utf-8?"), line
        parsed = email_package.message_from_bytes(raw, policy=policy.default)
        assert parsed["Subject"].strip() == subject.strip()  # folding may add a space
