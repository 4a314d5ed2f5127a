"""notifications/fast_mime.py writes Django's messages byte for byte as the email package
does (`as_bytes`), whatever the message: its plain case, and everything it leaves to the
library."""

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives

from notifications import fast_mime
from notifications.email import _list_headers
from notifications.mime import Email

LONG_LINE = "x" * 1200  # over SMTP's 998: Django switches the part to quoted-printable

SUBJECTS = [
    "3 new jobs matching your alerts",
    "New job: Zürich – PhD studentship in ∂-calculus",
    "A subject " * 20,
    "=?utf-8?b?UGFzc3dvcmQgcmVzZXQ=?= now",
]
TEXTS = [
    "",
    "* One job\n  At Bench University\n",
    "Lines\r\nin CRLF\rand CR\nand LF, no final line end",
    "Zürich · “quoted” — £30,000 a year\n",
    f"{LONG_LINE}\nthen a short line\n",
    "--===============0000000000000000001==\nlooks like a boundary\n",
    "From the start of a line\n.a dot\n\n\n",
]
HEADERS = [
    {},
    _list_headers("t0ken.value:with-colons"),
    {"X-Short": "a  b\tc", "X-Trailing": "ends with space ", "X-Long": "word " * 30},
    {"X-Unicode": "Zürich", "Reply-To": "Ada Lovelace <ada@example.org>"},
    # Header lines of 77, 78 (compat32's limit) and 79 characters.
    {f"X-Edge{n}": "a" * 30 + " " + "b" * (n - 31 - len(str(n))) for n in (69, 70, 71)},
]


def _messages():
    for i, subject in enumerate(SUBJECTS):
        for j, text in enumerate(TEXTS):
            html = f"<p>{TEXTS[(j + 1) % len(TEXTS)]}</p>\n"
            headers = HEADERS[(i + j) % len(HEADERS)]
            yield Email("ada@example.org", subject, text, html, headers).message().message()
    # Not our shape: the writer leaves these to the library, and so writes the same.
    plain = EmailMessage("Plain", "Only text\n", to=["ada@example.org"]).message()
    yield plain
    attached = EmailMultiAlternatives("Files", "Body\n", to=["Zoë <zoe@example.org>"])
    attached.attach_alternative("<p>Body</p>", "text/html")
    attached.attach("notes.txt", "Some notes\n", "text/plain")
    attached.attach("data.bin", b"\x00\x01\x02", "application/octet-stream")
    yield attached.message()
    unset = EmailMultiAlternatives("No boundary yet", "Body\n", to=["ada@example.org"])
    unset.attach_alternative("<p>Body</p>", "text/html")
    yield unset.message()


@pytest.mark.parametrize("linesep", ["\r\n", "\n"])
def test_the_bytes_are_the_email_packages_own(settings, linesep):
    settings.EMAIL_DKIM_PRIVATE_KEY = ""
    count = 0
    for message in _messages():
        django_message = getattr(message, "_message", message)
        ours = fast_mime.as_bytes(django_message, linesep)
        # After ours: the library sets a missing boundary on the message as it writes.
        assert ours == django_message.as_bytes(linesep=linesep)
        assert message.as_bytes(linesep=linesep) == django_message.as_bytes(linesep=linesep)
        count += 1
    assert count == len(SUBJECTS) * len(TEXTS) + 3


def test_the_plain_case_is_written_without_the_library(settings, monkeypatch):
    """Our digests' shape is the copy's own path (else it would buy nothing)."""
    settings.EMAIL_DKIM_PRIVATE_KEY = ""
    message = Email("ada@example.org", "3 new jobs", "t\n", "<p>h</p>\n", {}).message().message()
    expected = message._message.as_bytes(linesep="\r\n")

    def refused(*args, **kwargs):
        raise AssertionError("the library's writer was used")

    monkeypatch.setattr(type(message._message), "as_bytes", refused)
    assert fast_mime.as_bytes(message._message, "\r\n") == expected
