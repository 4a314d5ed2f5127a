from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Job alerts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from notifications import signals, sql

        signals.connect()
        sql.register_lookups()
