"""A kept copy: the email package's writer for Django's email messages, as bytes.

Mirrors CPython 3.11.7's `email.generator.BytesGenerator` (with `email.policy.compat32`,
`email.header.Header` folding) as Django 5.2.20's `MIMEMixin.as_bytes` drives it
(`mangle_from_=False`, no Unix "From " line). Equivalence test:
tests/notifications/test_fast_mime.py (byte-equal to `as_bytes` for the same message).

Why: the generator folds every header through `Header.encode` and writes a body line by
line; for a digest that was about a third of the sending worker's CPU per email, and the
digests' floor (450 emails/s to a local SMTP server, bench/digest_bench.py) was not met on
the library's path alone. What is copied is only the plain case: a header that is one
short line of printable ASCII is written as it is (what `Header.encode` returns for it);
every other header goes through the policy's own `fold_binary`. Anything this writer does
not know (a preamble or epilogue, a part that is neither text nor multipart, a multipart
without its boundary set, another policy) is written by the library instead, whole.
"""

import re
from email import policy as email_policy

# email.generator.NLCRE: a body's line ends, each written as the writer's linesep.
_LINE_END = re.compile(r"\r\n|\r|\n")


class _NotMine(Exception):
    """A message this writer leaves to the library."""


def as_bytes(message, linesep: str = "\n") -> bytes:
    """`message.as_bytes(linesep=linesep)`, byte for byte."""
    if message.policy is not email_policy.compat32:
        return message.as_bytes(linesep=linesep)
    policy = email_policy.compat32.clone(linesep=linesep)
    out: list[bytes] = []
    try:
        _write(message, policy, out)
    except _NotMine:
        return message.as_bytes(linesep=linesep)
    return b"".join(out)


def _write(message, policy, out: list[bytes]):
    body: list[bytes] = []
    linesep = policy.linesep
    if message.is_multipart():
        boundary = message.get_boundary()
        if not boundary or message.preamble is not None or message.epilogue is not None:
            raise _NotMine
        parts = message.get_payload()
        if not isinstance(parts, list):
            raise _NotMine
        first = True
        for part in parts:
            delimiter = f"--{boundary}{linesep}" if first else f"{linesep}--{boundary}{linesep}"
            body.append(delimiter.encode("ascii"))
            _write(part, policy, body)
            first = False
        if first:  # no parts: the generator writes the opening delimiter all the same
            body.append(f"--{boundary}{linesep}".encode("ascii"))
        body.append(f"{linesep}--{boundary}--{linesep}".encode("ascii"))
    elif message.get_content_maintype() == "text":
        payload = message._payload
        if payload is not None:
            if not isinstance(payload, str):
                raise _NotMine
            try:
                body.append(_LINE_END.sub(linesep, payload).encode("ascii", "surrogateescape"))
            except UnicodeEncodeError as err:
                raise _NotMine from err
    else:
        raise _NotMine
    _write_headers(message, policy, out)
    out += body


def _write_headers(message, policy, out: list[bytes]):
    limit = policy.max_line_length
    linesep = policy.linesep
    for name, value in message.raw_items():
        if (
            isinstance(value, str)
            and value
            and value.isascii()
            and value.isprintable()
            and value[0] != " "
            and value[-1] != " "
            and limit is not None
            and len(name) + 2 + len(value) <= limit
        ):
            # Header(value, header_name=name).encode() of one short printable ASCII line
            # (so no surrogates) with no space at either end is the value itself.
            out.append(f"{name}: {value}{linesep}".encode("ascii"))
        else:
            out.append(policy.fold_binary(name, value))
    out.append(linesep.encode("ascii"))
