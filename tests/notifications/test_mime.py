"""Our emails are Django's EmailMultiAlternatives; a configured DKIM key adds one header in
front of Django's own bytes and changes nothing else."""

import email as email_package
import re
from email import policy

import pytest
from django.core.mail import EmailMultiAlternatives

from notifications.mime import DkimSignedMessage, Email


def _email():
    return Email("ada@example.org", "Neue Stelle: Zürich", "* Zürich\n", "<p>Zürich</p>", {})


def test_without_a_key_the_message_is_djangos_own(settings):
    settings.EMAIL_DKIM_PRIVATE_KEY = ""
    message = _email().message()
    assert isinstance(message, EmailMultiAlternatives)
    assert not isinstance(message.message(), DkimSignedMessage)


def test_a_signed_message_is_djangos_bytes_with_the_signature_in_front(settings, dkim_key):
    settings.EMAIL_DKIM_PRIVATE_KEY = dkim_key[0]
    settings.EMAIL_DKIM_SELECTOR, settings.EMAIL_DKIM_DOMAIN = "mail", "example.org"
    message = _email().message().message()
    assert isinstance(message, DkimSignedMessage)
    own = message._message.as_bytes(linesep="\r\n")
    raw = message.as_bytes(linesep="\r\n")
    assert raw.startswith(b"DKIM-Signature:") and raw.endswith(own)
    assert message["Subject"] == message._message["Subject"]


@pytest.mark.parametrize(
    "subject", ["3 new jobs", "=?utf-8?b?UGFzc3dvcmQgcmVzZXQ=?= now", "Zürich", "A subject " * 20]
)
def test_subjects_are_always_encoded_and_read_back_as_written(subject):
    """A subject is RFC 2047 encoded even when ASCII, so text that looks like an encoded
    word reaches the reader as that text, not as what it would decode to."""
    mail = Email("ada@example.org", subject, "t\n", "<p>h</p>\n", {})
    raw = mail.message().message().as_bytes(linesep="\r\n")
    line = re.search(rb"\r\nSubject:\s*(\S+)", raw).group(1)
    assert line.startswith(b"=?utf-8?"), line
    parsed = email_package.message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"].strip() == subject.strip()  # folding may add a space


def test_message_id_and_list_id_name_the_sending_domain_not_the_host(settings):
    """Both default to DEFAULT_FROM_EMAIL's domain (config/settings/base.py); production
    refuses a localhost sender, so neither says localhost or this machine's name."""
    import socket

    settings.NOTIFICATIONS_SENDING_DOMAIN = "jobs.example.org"
    settings.EMAIL_DKIM_PRIVATE_KEY = ""
    message = _email().message().message()
    assert re.fullmatch(r"<[^@>]+@jobs\.example\.org>", message["Message-ID"])
    assert socket.getfqdn() not in message["Message-ID"]

    from config.settings import base

    sender_domain = base.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">")
    assert sender_domain == base.NOTIFICATIONS_SENDING_DOMAIN
    assert base.NOTIFICATIONS_LIST_ID.endswith(f".{base.NOTIFICATIONS_SENDING_DOMAIN}>")
