"""The subscribers the digests marked bounced before the suppression list existed go on it."""

from django.db import migrations


def suppress_bounced(apps, schema_editor):
    from notifications.suppression import key

    Subscriber = apps.get_model("notifications", "Subscriber")
    Suppression = apps.get_model("notifications", "Suppression")
    keys = {key(email): reason for email, reason in Subscriber.objects.filter(
        status="bounced"
    ).values_list("email", "bounce_reason")}
    known = set(Suppression.objects.filter(lifted_at__isnull=True).values_list("key", flat=True))
    Suppression.objects.bulk_create(
        Suppression(key=k, reason="hard_bounce", source="smtp", detail=reason[:300])
        for k, reason in keys.items()
        if k not in known
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0014_suppression_and_delivery_events")]

    operations = [migrations.RunPython(suppress_bounced, migrations.RunPython.noop)]
