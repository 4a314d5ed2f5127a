"""Signed tokens in email links."""

import pytest
from django.core import signing

from notifications.tokens import MANAGE_SALT, manage_token, read_manage_token


@pytest.mark.parametrize("subscriber_id", [1, 42, 987_654_321, 2**62])
def test_manage_tokens_are_what_signing_dumps_gives(subscriber_id, settings, monkeypatch):
    monkeypatch.setattr("django.core.signing.time.time", lambda: 1_796_000_000)
    expected = signing.dumps({"s": subscriber_id}, salt=MANAGE_SALT, compress=True)
    assert manage_token(subscriber_id) == expected
    assert read_manage_token(manage_token(subscriber_id)) == subscriber_id

    settings.SECRET_KEY = "another key"  # a changed key signs with the new key
    assert manage_token(subscriber_id) != expected
    assert read_manage_token(manage_token(subscriber_id)) == subscriber_id
