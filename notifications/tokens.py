"""Signed tokens for links in emails. A token names one subscriber and cannot be forged."""

import datetime as dt
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "notifications.confirm"
MANAGE_SALT = "notifications.manage"


class InvalidToken(Exception):
    """The token was tampered with, has expired, or is not a token of this kind."""


def confirm_token(subscriber_id: int, alert_id: int) -> str:
    # "t": when the link was made, so a confirmation cannot undo a later unsubscribe.
    payload = {"s": subscriber_id, "a": alert_id, "t": time.time()}
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


@dataclass(frozen=True)
class ConfirmToken:
    subscriber_id: int
    alert_id: int
    issued_at: dt.datetime | None  # None in links made before tokens carried it


def read_confirm_token(token: str) -> ConfirmToken:
    """What a confirmation token that has not expired names."""
    try:
        data = signing.loads(
            token, salt=CONFIRM_SALT, max_age=settings.NOTIFICATIONS_CONFIRM_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired as err:
        raise InvalidToken("This confirmation link has expired; please subscribe again.") from err
    except signing.BadSignature as err:
        raise InvalidToken("This confirmation link is not valid.") from err
    issued = data.get("t")
    return ConfirmToken(
        int(data["s"]),
        int(data["a"]),
        dt.datetime.fromtimestamp(issued, dt.UTC) if issued is not None else None,
    )


@lru_cache(maxsize=4)
def _manage_signer(secret_key: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(key=secret_key, salt=MANAGE_SALT)


def manage_token(subscriber_id: int) -> str:
    """The token in every email's manage and unsubscribe links, and from confirming.
    What `signing.dumps` gives, with the signer made once per key (every digest email
    signs one); uncompressed, since zlib never shortens a payload this small."""
    return _manage_signer(settings.SECRET_KEY).sign_object({"s": subscriber_id})


def read_manage_token(token: str, *, for_unsubscribe: bool = False) -> int:
    """The subscriber a manage token names. Reading or changing alerts needs a token younger
    than NOTIFICATIONS_MANAGE_MAX_AGE_SECONDS (every digest carries a fresh one), so an old
    forwarded email does not open the account for good; unsubscribing works with a token of
    any age (RFC 8058 expects the link in an old email to keep working)."""
    max_age = None if for_unsubscribe else settings.NOTIFICATIONS_MANAGE_MAX_AGE_SECONDS
    try:
        data = signing.loads(token, salt=MANAGE_SALT, max_age=max_age)
    except signing.SignatureExpired as err:
        raise InvalidToken(
            "This link has expired; use the one in your latest alert email, or subscribe again."
        ) from err
    except signing.BadSignature as err:
        raise InvalidToken("This subscription token is not valid.") from err
    return int(data["s"])
