"""The visitor's address, as the reference frontend vouches for it.

Sign-ups reach the CMS from the frontend's server, so REMOTE_ADDR is the frontend's address
for every visitor. The frontend passes the visitor's address in `X-Visitor-Address` with
`X-Visitor-Signature: <unix time>:<hex HMAC-SHA256 of "<address>\\n<unix time>">` keyed with
`FRONTEND_SHARED_SECRET`. The address is honoured only when that signature verifies and is
at most `MAX_AGE_SECONDS` old; otherwise (no secret set, no or a wrong signature, a stale
one, not an IP address) the request counts as REMOTE_ADDR's, so a forged header only
spends its sender's own limit. django-ratelimit reads it through RATELIMIT_IP_META_KEY.
"""

import hashlib
import hmac
import ipaddress
import time

from django.conf import settings

ADDRESS_HEADER = "X-Visitor-Address"
SIGNATURE_HEADER = "X-Visitor-Signature"
MAX_AGE_SECONDS = 300
UNKNOWN = "0.0.0.0"


def signature(secret: str, address: str, timestamp: str) -> str:
    message = f"{address}\n{timestamp}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, address: str, now: float | None = None) -> dict[str, str]:
    """What the frontend sends (frontend/src/lib/cms.ts does the same); used by the tests."""
    timestamp = str(int(time.time() if now is None else now))
    return {
        ADDRESS_HEADER: address,
        SIGNATURE_HEADER: f"{timestamp}:{signature(secret, address, timestamp)}",
    }


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def vouched_address(request) -> str | None:
    """The visitor's address if the frontend signed it, else None."""
    secret = settings.FRONTEND_SHARED_SECRET
    address = request.headers.get(ADDRESS_HEADER, "")
    timestamp, _, mac = request.headers.get(SIGNATURE_HEADER, "").partition(":")
    if not (secret and address and timestamp.isdigit() and len(timestamp) <= 12):
        return None
    if abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
        return None
    if not hmac.compare_digest(mac.encode(), signature(secret, address, timestamp).encode()):
        return None
    return _ip(address)


def client_address(request) -> str:
    """The address rate limits count under: the vouched visitor's, else the peer's."""
    return vouched_address(request) or _ip(request.META.get("REMOTE_ADDR") or "") or UNKNOWN
