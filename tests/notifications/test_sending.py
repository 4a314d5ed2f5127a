"""Our emails go through Django's SMTP backend: a real SMTP server receives Django's own
bytes, the envelope Django gives, and smtplib's exceptions come back for refusals."""

import smtplib
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

from notifications import sending
from notifications.mime import Email
from tests.notifications.smtp import free_port

CASES = {
    "ascii": Email("ada@example.org", "3 new jobs", "* Job\n", "<p>Job</p>\n", {"List-Id": "x"}),
    "non-ascii subject and body": Email(
        "ada@example.org", "New job: Professur für Informatik", "* Zürich ✓\n", "<p>é</p>", {}
    ),
    # SMTP ends the message at a line holding only a dot: lines starting with one are
    # dot-stuffed on the way and restored by the server.
    "lines starting with a dot": Email("ada@example.org", "Hi", ".\n..x\n.net\n", ".y\n.", {}),
}


class Recorder:
    def __init__(self, refuse: str = ""):
        self.received, self.refuse = [], refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refuse:
            return "550 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def server():
    recorder = Recorder(refuse="gone@example.org")
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield recorder, controller.port
    controller.stop()


@pytest.mark.parametrize("sender", ["alerts@example.org", "Academic Jobs <alerts@example.org>"])
def test_the_server_gets_djangos_envelope_and_message(sender, settings, server):
    settings.DEFAULT_FROM_EMAIL = sender
    recorder, port = server
    connection = SMTPBackend(host="127.0.0.1", port=port)
    connection.open()
    for email in CASES.values():
        sending.send(connection, email)
    connection.close()
    assert len(recorder.received) == len(CASES)
    for (mail_from, rcpt_tos, content), email in zip(
        recorder.received, CASES.values(), strict=True
    ):
        assert (mail_from, rcpt_tos) == ("alerts@example.org", ["ada@example.org"])
        received = message_from_bytes(content)
        assert received["To"] == "ada@example.org"
        text, html = (
            part.get_payload(decode=True).decode()
            for part in received.walk()
            if not part.is_multipart()
        )
        assert text.replace("\r\n", "\n") == email.text
        assert html.replace("\r\n", "\n") == email.html


def test_a_refused_recipient_raises_smtplibs_exception(server):
    _recorder, port = server
    connection = SMTPBackend(host="127.0.0.1", port=port)
    connection.open()
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        sending.send(connection, Email("gone@example.org", "Hi", "x", "y", {}))
    connection.close()


def test_other_backends_get_djangos_email_object(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with mail.get_connection() as connection:
        sending.send(connection, CASES["ascii"])
    (message,) = mail.outbox
    assert message.alternatives[0][0] == "<p>Job</p>\n"
    assert message.extra_headers["List-Id"] == "x"
