"""The suppression list: the one rule for "may we email this address at all", honoured by
every email we send (digests, confirmations, institution notices).

An entry (`notifications.models.Suppression`) holds no address: only `key(address)`, an
HMAC-SHA256 (Django's `salted_hmac`) of the address's mailbox (`addresses.mailbox_key`:
case, a `+tag` and Gmail's dots folded, so every spelling of one inbox is one entry) under
`NOTIFICATIONS_SUPPRESSION_KEY` (default: `SECRET_KEY`). So an address erased everywhere
else stays suppressed, and the table alone does not tell whose addresses it holds. Changing
that secret empties the list in effect: set it once.

API (all that other modules use):
- `key(address) -> str`: the entry key of an address (64 hex characters).
- `is_suppressed(address) -> bool`; `entry(address)`: the active entry, or None.
- `suppressed(addresses) -> set[str]`: those of `addresses` (as given) that are suppressed,
  in one query (a digest batch, a notice's recipients).
- `suppress(address, reason, source, detail="") -> Suppression`: add an entry (a
  `Suppression.Reason`; `source` says what reported it: "smtp", "dsn", "arf",
  "anymail:postmark", "admin", ...); an address already suppressed keeps its first entry.
  `suppress_key(key, ...)` is the same for a key (an erased address's).
- `lift(entry, user, reason)`: staff lift an entry (the admin's "Lift" action); the entry
  stays, with who lifted it, when and why, and the address may be mailed again.
- `without_address(text, address)`: `text` (an SMTP reply, a DSN's diagnostic) with the
  address taken out; `suppress` does it to its `detail`, so no entry names an address.
"""

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from notifications.addresses import SubscriptionError, mailbox_key
from notifications.models import Suppression

Reason = Suppression.Reason


def key(address: str) -> str:
    try:
        mailbox = mailbox_key(address)
    except SubscriptionError:
        # Not an address we would store (a DSN may name anything): its plain lower case.
        mailbox = (address or "").strip().lower()
    secret = settings.NOTIFICATIONS_SUPPRESSION_KEY or settings.SECRET_KEY
    return salted_hmac(
        "notifications.suppression", mailbox, secret=secret, algorithm="sha256"
    ).hexdigest()


def _active():
    return Suppression.objects.filter(lifted_at__isnull=True)


def is_suppressed(address: str) -> bool:
    return _active().filter(key=key(address)).exists()


def entry(address: str) -> Suppression | None:
    """The active entry that suppresses `address`, if any (for telling staff why)."""
    return _active().filter(key=key(address)).first()


def suppressed(addresses) -> set[str]:
    by_key = {}
    for address in addresses:
        by_key.setdefault(key(address), []).append(address)
    if not by_key:
        return set()
    found = _active().filter(key__in=list(by_key)).values_list("key", flat=True)
    return {address for entry_key in found for address in by_key[entry_key]}


def without_address(text: str, address: str) -> str:
    if not address:
        return text
    return re.sub(re.escape(address.strip()), "(address)", text, flags=re.IGNORECASE)


def suppress(address: str, reason: str, source: str, detail: str = "") -> Suppression:
    return suppress_key(key(address), reason, source, without_address(detail, address))


def suppress_key(entry_key: str, reason: str, source: str, detail: str = "") -> Suppression:
    existing = _active().filter(key=entry_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Suppression.objects.create(
                key=entry_key, reason=reason, source=source[:40], detail=detail[:300]
            )
    except IntegrityError:  # suppressed meanwhile by someone else: theirs stands
        return _active().get(key=entry_key)


def lift(entry: Suppression, user, reason: str) -> Suppression:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValueError("Say why the suppression is lifted.")
    if entry.lifted_at is None:
        entry.lifted_at = timezone.now()
        entry.lifted_by = user
        entry.lift_reason = reason[:300]
        entry.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    return entry
