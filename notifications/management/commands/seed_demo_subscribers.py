"""A confirmed demo subscriber whose alert matches machine-learning jobs, so publishing one
in the admin puts a digest in the local mail folder (var/mail)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from content.models import Discipline
from notifications.models import Frequency, JobAlert, Subscriber

DEMO_EMAIL = "demo.subscriber@example.org"
DEMO_DISCIPLINE = "machine-learning"


class Command(BaseCommand):
    help = "Create (or keep) a confirmed demo subscriber with an INSTANT machine-learning alert."

    def handle(self, **options):
        discipline = Discipline.objects.filter(slug=DEMO_DISCIPLINE).first()
        if discipline is None:
            raise CommandError(f"No '{DEMO_DISCIPLINE}' discipline yet; run seed_demo first.")
        now = timezone.now()
        subscriber, created = Subscriber.objects.get_or_create(
            email=DEMO_EMAIL,
            defaults={
                "status": Subscriber.Status.CONFIRMED,
                "consented_at": now,
                "confirmed_at": now,
            },
        )
        if created or not subscriber.alerts.exists():
            alert = JobAlert.objects.create(
                subscriber=subscriber,
                frequency=Frequency.INSTANT,
                active_since=now,
                any_discipline=False,
            )
            alert.disciplines.set([discipline])
        state = "created" if created else "already there"
        self.stdout.write(
            f"Demo subscriber {DEMO_EMAIL} {state}: INSTANT alert on {discipline.name}. "
            "Publish a machine-learning job in the admin; the digest lands in var/mail."
        )
