"""Email addresses as we store and compare them: `normalise_email` (the one stored
spelling) and `mailbox_key` (one key for every spelling of one mailbox: rate limits and the
suppression list, notifications/suppression.py)."""

import contextlib
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from content.validators import validate_single_line


class SubscriptionError(Exception):
    """Input a subscriber can fix; the message says how."""


def normalise_email(raw: str) -> str:
    """The address as it is stored and looked up: trimmed, a needlessly quoted local part
    unquoted (`"ann"@x.org` is `ann@x.org`), the domain in lower case. Refused: addresses
    that are not one line, need quotes, or are at an IP address or a bare host name."""
    email = (raw or "").strip()
    if len(email) > 254:
        raise SubscriptionError("The email address is too long (254 characters at most).")
    try:
        validate_single_line(email)
        validate_email(email)
    except ValidationError as err:
        raise SubscriptionError("Enter a valid email address.") from err
    local, _, domain = email.rpartition("@")
    if domain.startswith("[") or "." not in domain:
        raise SubscriptionError("Enter an address at an internet domain name.")
    if local.startswith('"'):
        local = _QUOTED_PAIR.sub(r"\1", local[1:-1])
        if not _DOT_ATOM.fullmatch(local):
            raise SubscriptionError("Addresses with a quoted name before the @ are not supported.")
    return f"{local}@{domain.lower()}"


# RFC 5322's dot-atom local part, the form nearly every address has; quoted pairs (\x).
_DOT_ATOM = re.compile(r"[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+)*")
_QUOTED_PAIR = re.compile(r"\\(.)")
# Mail services that ignore dots in the local part (and where googlemail is gmail).
_DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_key(email: str) -> str:
    """One key for every spelling that reaches the same mailbox, for rate limiting:
    case, a `+tag` (sub-addressing), dots where the provider ignores them, IDN domains."""
    local, _, domain = normalise_email(email).lower().rpartition("@")
    local = local.split("+", 1)[0] or local
    with contextlib.suppress(UnicodeError):  # validate_email accepted it: keep it as is
        domain = domain.encode("idna").decode("ascii")
    if domain in _DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), _DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"
