"""Recording each email the SMTP server accepted: one `AcceptedEmail` row (claim,
subscriber), committed on its own before the next email goes out, the statement that closes
the duplicate window (the protocol is in notifications/digests.py).

A plain ORM insert in autocommit mode: it returns once the row is committed, so at most one
accepted email is unrecorded at any moment. (An earlier version pipelined the insert
through libpq by hand to overlap it with building the next email; a digest's time is set by
the relay, not by that fraction of a millisecond.)
"""

from notifications.models import AcceptedEmail


def record(claim: str, subscriber_id: int) -> None:
    """The server accepted the batch `claim`'s email to `subscriber_id`: commit that now."""
    AcceptedEmail.objects.create(claim=claim, subscriber_id=subscriber_id)
