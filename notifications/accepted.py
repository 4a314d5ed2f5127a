"""Recording each email the SMTP server accepted: one `AcceptedEmail` row (claim,
subscriber), committed on its own before the next email goes out, the statement that closes
the duplicate window (the protocol is in notifications/digests.py).

One INSERT through Django's cursor in autocommit mode: it returns once the row is committed,
so at most one accepted email is unrecorded at any moment. A batch opens that cursor once
and records all its emails through it (`recorder`): a cursor of its own per email doubled
the Python calls of a record (130 instead of 62). A model's `create` runs the
whole save machinery (signals, field preparation, the insert compiler) for these two
columns, once per email; the statement is the same. (An earlier version pipelined the insert
through libpq by hand to overlap it with building the next email; a digest's time is set by
the relay, not by that fraction of a millisecond.)
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, partial

from django.db import connection

from notifications.models import AcceptedEmail


@cache
def _insert(vendor: str) -> str:
    """The model's INSERT for this database (`vendor`: SQLite in most tests)."""
    quote = connection.ops.quote_name
    columns = [AcceptedEmail._meta.get_field(name).column for name in ("claim", "subscriber_id")]
    return (
        f"INSERT INTO {quote(AcceptedEmail._meta.db_table)}"
        f" ({', '.join(map(quote, columns))}) VALUES (%s, %s)"
    )


@contextmanager
def recorder(claim: str) -> Iterator[Callable[[int], None]]:
    """`record(subscriber_id)` for the batch `claim`, through one cursor for the batch."""
    with connection.cursor() as cursor:
        yield partial(record, cursor, claim)


def record(cursor, claim: str, subscriber_id: int) -> None:
    """The server accepted the batch `claim`'s email to `subscriber_id`: commit that now."""
    cursor.execute(_insert(connection.vendor), [claim, subscriber_id])
