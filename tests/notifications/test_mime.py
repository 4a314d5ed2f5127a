"""Our emails are Django's EmailMultiAlternatives; a configured DKIM key adds one header in
front of Django's own bytes and changes nothing else."""

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
