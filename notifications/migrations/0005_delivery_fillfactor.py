from django.db import migrations

TABLE = "notifications_delivery"


def leave_room_for_updates(apps, schema_editor):
    # A ledger row is updated right after it is written (claimed, then sent). Half-empty
    # pages let PostgreSQL keep the new version on the same page without touching the
    # indexes (a HOT update) whenever no indexed column changes, as when claiming.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = 50)")


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_delivery_without_db_fk_checks")]

    operations = [migrations.RunPython(leave_room_for_updates, fill_pages)]
