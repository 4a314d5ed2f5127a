from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from content import lifecycle, open_counts
        from content.employers.accounts import connect_signals

        connect_signals()
        lifecycle.connect()
        # Open job counts, recounted in the writer's transaction.
        lifecycle.content_changed.connect(
            open_counts.counted, dispatch_uid="content.open_counts.counted"
        )
