"""Recording each email the SMTP server accepted: one `AcceptedEmail` row (claim,
subscriber), committed on its own, the statement that closes the duplicate window (the
protocol is in notifications/digests.py).

On PostgreSQL a record's INSERT is written to the server without waiting for its reply,
and the reply is read by `confirm()`, which the batch calls before it hands the next email
to the SMTP server. So the server commits the record while the worker builds the next
email, and still at most one accepted email is unrecorded at any moment. It goes through
the connection's libpq object (psycopg's documented `pgconn`, for commands psycopg does
not wrap) as a statement prepared once per batch: psycopg's own cursor cost more client
CPU than the statement costs the server. Elsewhere a record is a plain INSERT that
returns once committed.
"""

import select
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection
from psycopg import pq

from notifications.models import AcceptedEmail


def _insert_sql(placeholders: tuple[str, str]) -> str:
    table = connection.ops.quote_name(AcceptedEmail._meta.db_table)
    return f"INSERT INTO {table} (claim, subscriber_id) VALUES ({', '.join(placeholders)})"


class _WaitingRecorder:
    """Records of one batch, each committed before `record` returns."""

    def __init__(self, claim: str, cursor):
        self.claim, self.cursor = claim, cursor
        self.sql = _insert_sql(("%s", "%s"))

    def record(self, subscriber_id: int):
        self.cursor.execute(self.sql, [self.claim, subscriber_id])

    def confirm(self):
        """Nothing is ever waiting here."""


class _DeferredReplyRecorder:
    """Records of one batch, each sent at once and confirmed committed by `confirm()`."""

    def __init__(self, claim: str, pgconn: pq.abc.PGconn):
        self.pgconn = pgconn
        self.claim = claim.encode()
        # One name per batch, so a batch that died without deallocating cannot clash.
        self.statement = f"accepted_email_{claim}".encode()
        self.waiting = False
        _check(pgconn.prepare(self.statement, _insert_sql(("$1", "$2")).encode()))

    def record(self, subscriber_id: int):
        self.confirm()
        self.pgconn.send_query_prepared(self.statement, [self.claim, str(subscriber_id).encode()])
        self.waiting = True
        # The connection is non-blocking: wait until the whole message is on its way.
        while self.pgconn.flush():
            select.select([], [self.pgconn.socket], [])

    def confirm(self):
        """Wait for the last record's commit; raises DatabaseError if it failed."""
        if not self.waiting:
            return
        self.waiting = False
        result = self.pgconn.get_result()
        while self.pgconn.get_result() is not None:  # libpq's end of the command
            pass
        _check(result)

    def close(self):
        self.confirm()
        _check(self.pgconn.exec_(b"DEALLOCATE " + self.statement))


def _check(result: pq.abc.PGresult | None):
    if result is None or result.status != pq.ExecStatus.COMMAND_OK:
        message = result.error_message.decode(errors="replace") if result else "no result"
        raise DatabaseError(f"Recording an accepted email failed: {message}")


@contextmanager
def recorder(claim: str) -> Iterator[_WaitingRecorder | _DeferredReplyRecorder]:
    """The batch's recorder: `record(subscriber_id)` right after the server's 250, and
    `confirm()` before the next email goes out or anything else uses the connection."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield _WaitingRecorder(claim, cursor)
        return
    connection.ensure_connection()
    pg_recorder = _DeferredReplyRecorder(claim, connection.connection.pgconn)
    try:
        yield pg_recorder
    finally:
        pg_recorder.close()
