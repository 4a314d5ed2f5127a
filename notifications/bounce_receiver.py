"""The bounce mailbox as a service: an SMTP (or LMTP) server (aiosmtpd) that takes the
delivery status notifications sent to our VERP return paths and the feedback-loop (ARF)
reports routed to it, and hands each message to notifications/bounces.py.

Run it with `python manage.py receive_bounces` (docker-compose.yml's `bounces` service) and
point the sending domain's MX (or the mail server's transport for `bounces+*@` and the
feedback-loop address) at it. It delivers nothing anywhere: it accepts mail only for
addresses at NOTIFICATIONS_SENDING_DOMAIN, reads it and forgets it. A message is answered
"250" only once it is recorded, so the sending server keeps (and retries) a report this
service could not store.
"""

import asyncio
import logging

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from django.conf import settings
from django.db import close_old_connections

from notifications import bounces

logger = logging.getLogger(__name__)

# Bounces are small; a report quoting a whole digest stays well under this.
MAX_MESSAGE_BYTES = 2 * 1024 * 1024


class BounceHandler:
    """aiosmtpd's handler: RCPT for our domain only, DATA read and recorded."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if domain != settings.NOTIFICATIONS_SENDING_DOMAIN.lower():
            return "550 5.7.1 Not a mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        try:
            events = await asyncio.to_thread(_handle, envelope.content, list(envelope.rcpt_tos))
        except Exception:
            logger.exception("A bounce message could not be recorded")
            return "451 4.3.0 Could not record the report; try again later"
        logger.info("Bounce message read: %s event(s) recorded", events)
        return "250 OK"


def _handle(raw: bytes, rcpt_tos: list[str]) -> int:
    # A thread of the executor: Django's connections are per thread; drop stale ones.
    close_old_connections()
    try:
        return len(bounces.handle_message(raw, rcpt_tos))
    finally:
        close_old_connections()


class BounceController(Controller):
    """aiosmtpd's threaded controller, speaking LMTP when asked."""

    def __init__(self, host: str, port: int, *, lmtp: bool = False):
        self.lmtp = lmtp
        super().__init__(
            BounceHandler(),
            hostname=host,
            port=port,
            data_size_limit=MAX_MESSAGE_BYTES,
            ident="bounce receiver",
        )

    def factory(self):
        server_class = LMTP if self.lmtp else SMTP
        return server_class(self.handler, **self.SMTP_kwargs)
