"""The bounce receiver (notifications/bounce_receiver.py) as a long-running process."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from notifications.bounce_receiver import BounceController


class Command(BaseCommand):
    help = (
        "Receive delivery status notifications (RFC 3464) and feedback-loop reports (ARF, "
        "RFC 5965) over SMTP or LMTP, record them, and suppress the addresses they condemn."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.NOTIFICATIONS_BOUNCE_RECEIVER_HOST)
        parser.add_argument("--port", type=int, default=settings.NOTIFICATIONS_BOUNCE_RECEIVER_PORT)
        parser.add_argument("--lmtp", action="store_true", help="Speak LMTP instead of SMTP.")

    def handle(self, host, port, lmtp, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        controller = BounceController(host, port, lmtp=lmtp)
        controller.start()
        protocol = "LMTP" if lmtp else "SMTP"
        self.stdout.write(f"Receiving bounces over {protocol} on {host}:{port}", ending="\n")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
