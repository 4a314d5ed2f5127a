"""The one way to fetch a URL that an outsider typed (an employer's job feed).

Every check is made on what is actually connected to, not on a second reading of the URL:
- the URL is refused unless it is plain http(s) with a host: no userinfo (`user@`), no
  backslashes, no whitespace or control characters, so that no two URL parsers can disagree
  on the host (`http://127.0.0.1:8210\\@example.com/` is refused, whoever reads it);
- the host is resolved once; if any answer is loopback, private, link-local, reserved,
  multicast or unspecified (IPv4-mapped and NAT64 IPv6 addresses by the IPv4 they carry),
  the fetch is refused; otherwise the connection goes to that checked address, with the
  name kept as the Host header and as the TLS server name (SNI and certificate check), so
  a second DNS answer (rebinding) is never used;
- redirects are followed here, one hop at a time, each hop checked as above;
- a wall-clock deadline covers the whole download and is enforced inside every read (the
  socket's timeout is what is left of it, and each read returns after one receive), and the
  body is cut off at a byte limit. Content encodings are refused (no gzip bombs).

`validate_url` is the validator of the model field, so the admin's form and any API that
saves a feed refuse the same URLs as the fetch.
"""

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from django.core.exceptions import ValidationError

READ_BYTES = 16 * 1024
REDIRECTS = {301, 302, 303, 307, 308}
# 64:ff9b::/96 translates to IPv4 (NAT64): judged by the IPv4 address it carries.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Resolver = Callable[..., list]


class FetchError(Exception):
    """The URL cannot or may not be fetched; the message says why."""


def url_problem(url: str) -> str | None:
    """Why `url` is not a plain public-looking http(s) URL, or None."""
    if any(ord(char) <= 32 or ord(char) == 127 for char in url):
        return "The URL may not contain spaces or control characters."
    if "\\" in url:
        return "The URL may not contain backslashes."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        return f"The URL is not valid: {err}."
    if parts.scheme not in ("http", "https"):
        return "Only http and https URLs can be fetched."
    if "@" in parts.netloc:
        return "The URL may not contain a user name or password."
    if not parts.hostname:
        return "The URL has no host."
    if port == 0:
        return "The URL's port is not valid."
    return None


def validate_url(url: str) -> None:
    """Django validator: the model field, hence its admin form and any API that saves it."""
    problem = url_problem(url)
    if problem:
        raise ValidationError(problem, code="unsafe_url")


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def resolve(host: str, port: int, *, allow: Callable[[str], bool], resolver: Resolver) -> str:
    """The one address the request goes to, from one resolution whose answers all passed."""
    try:
        answers = resolver(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as err:
        raise FetchError(f"Cannot resolve {host}: {err}") from err
    addresses = [answer[4][0] for answer in answers]
    if not addresses:
        raise FetchError(f"Cannot resolve {host}.")
    for address in addresses:
        if not allow(address):
            raise FetchError(
                f"{host} resolves to {address}, a private or local address (or a reserved one); "
                "feeds must be on the public internet."
            )
    return addresses[0]


@dataclass
class Fetched:
    status: int  # 200 or 304
    headers: urllib3.HTTPHeaderDict  # case-insensitive
    size: int
    url: str  # after redirects


def fetch(
    url: str,
    body: BinaryIO,
    *,
    headers: dict,
    max_bytes: int,
    max_seconds: float,
    max_redirects: int,
    timeout: float,
    allow: Callable[[str], bool] = is_public,
    resolver: Resolver = socket.getaddrinfo,
) -> Fetched:
    """GET `url` into `body` (200), or report 304; anything else raises FetchError.
    `allow` judges each resolved address (is_public unless the operator allows private
    networks); `resolver` is getaddrinfo's signature (tests give a stub)."""
    deadline = time.monotonic() + max_seconds
    seen = set()
    for _ in range(max_redirects + 1):
        problem = url_problem(url)
        if problem:
            raise FetchError(f"{problem} ({url!r})")
        if url in seen:
            raise FetchError(f"Redirect loop at {url}.")
        seen.add(url)
        response = _request(url, headers, deadline, timeout, allow, resolver)
        try:
            if response.status in REDIRECTS:
                location = response.headers.get("Location", "")
                if not location:
                    raise FetchError(f"{url} redirects nowhere.")
                url = urljoin(url, location)
                continue
            if response.status == 304:
                return Fetched(304, urllib3.HTTPHeaderDict(response.headers), 0, url)
            if response.status != 200:
                raise FetchError(f"{url} answered HTTP {response.status}.")
            size = _read(response, body, deadline, max_bytes, max_seconds, timeout)
            return Fetched(200, urllib3.HTTPHeaderDict(response.headers), size, url)
        finally:
            response.release_conn()
            response.close()
    raise FetchError(f"More than {max_redirects} redirects.")


def _request(url, headers, deadline, timeout, allow, resolver):
    parts = urlsplit(url)
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve(host, port, allow=allow, resolver=resolver)
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    if ":" in host:  # an IPv6 literal keeps its brackets in the Host header
        host_header = f"[{host}]" if parts.port is None else f"[{host}]:{parts.port}"
    left = _left(deadline)
    pool_options = {
        "timeout": urllib3.Timeout(connect=min(timeout, left), read=min(timeout, left)),
        "retries": False,
        "maxsize": 1,
    }
    if parts.scheme == "https":
        # Connect to the checked address; verify the certificate for, and send SNI as, the name.
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            **pool_options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, **pool_options)
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    try:
        return pool.urlopen(
            "GET",
            target,
            headers={**headers, "Host": host_header, "Accept-Encoding": "identity"},
            redirect=False,
            preload_content=False,
            decode_content=False,
        )
    except urllib3.exceptions.HTTPError as err:
        raise FetchError(f"Could not fetch {url}: {type(err).__name__}: {err}") from err


def _left(deadline: float) -> float:
    return max(deadline - time.monotonic(), 0.001)


def _read(
    response, body: BinaryIO, deadline: float, max_bytes: int, max_seconds: float, timeout: float
) -> int:
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise FetchError(f"The feed is sent with Content-Encoding {encoding}; send it plain.")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"The feed is larger than the limit of {max_bytes:,} bytes.")
    size = 0
    # http.client's socket (urllib3's connection keeps it as `sock`): before each read, its
    # timeout becomes what is left of the deadline, and read1 returns after one receive, so
    # a server sending a byte a second is cut off at the deadline, not at the next chunk.
    sock = response.connection.sock if response.connection else None
    try:
        while True:
            if time.monotonic() >= deadline:
                raise FetchError(f"The feed took longer than {max_seconds} s to download.")
            if sock is not None:
                sock.settimeout(min(timeout, _left(deadline)))
            chunk = response.read1(READ_BYTES)
            if not chunk:
                return size
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"The feed is larger than the limit of {max_bytes:,} bytes.")
            body.write(chunk)
    except (TimeoutError, urllib3.exceptions.ReadTimeoutError) as err:
        if time.monotonic() >= deadline - 0.01:
            raise FetchError(f"The feed took longer than {max_seconds} s to download.") from err
        raise FetchError(f"The server sent nothing for {timeout} s.") from err
    except (OSError, urllib3.exceptions.HTTPError) as err:
        raise FetchError(f"The download failed: {type(err).__name__}: {err}") from err
