"""Run a digest by hand, through the same code path and ledger as the scheduler."""

from django.core.management.base import BaseCommand, CommandError

from notifications import digests
from notifications.models import Frequency
from notifications.tasks import enqueue_batch


class Command(BaseCommand):
    help = "Send a digest now. INSTANT sends everything pending, whatever the batching window."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", required=True, choices=Frequency.values)
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the batches to Celery workers instead of sending from this process.",
        )

    def handle(self, frequency, enqueue, **options):
        send = enqueue_batch if enqueue else self._send_here
        run = digests.run_digest(frequency, force=True, send=send)
        if run is None:
            self.stdout.write("Nothing to send.")
            return
        run.refresh_from_db()
        self.stdout.write(
            f"{run}: {run.jobs} new jobs, {run.reserved} deliveries reserved, "
            f"{run.batches} batches; so far {run.emails_sent} emails sent "
            f"({run.sent} jobs), {run.failed} failed, {run.skipped} skipped."
        )

    def _send_here(self, run_id, claim, subscriber_ids):
        try:
            digests.send_batch(run_id, claim, subscriber_ids)
        except digests.TransientSendError as err:
            # The batch keeps its claim until it runs out; the next run retries it.
            raise CommandError(f"{err}. Pending deliveries will be retried.") from err
