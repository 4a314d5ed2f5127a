from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from content import lifecycle
        from content.employers.accounts import connect_signals

        connect_signals()
        lifecycle.connect()
