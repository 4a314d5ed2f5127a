"""Create the local demo login (admin / admin). Refuses to run unless DEBUG is on."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the superuser admin/admin for local demos (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create a demo login with DEBUG off.")
        user, created = get_user_model().objects.get_or_create(
            username="admin", defaults={"email": "admin@localhost"}
        )
        if created:
            user.is_staff = user.is_superuser = True
            user.set_password("admin")
            user.save()
        self.stdout.write("Demo login: admin / admin" + ("" if created else " (already there)"))
