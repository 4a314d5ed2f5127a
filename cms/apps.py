from django.apps import AppConfig
from django.conf import settings


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "GraphQL API and site-wide admin"

    def ready(self):
        from cms.caching import connect_invalidation

        connect_invalidation()

        from cms.webhooks import check_secret
        from cms.webhooks import connect as connect_webhooks

        if settings.WEBHOOK_SECRET:  # a malformed secret stops the start, not each delivery
            check_secret(settings.WEBHOOK_SECRET)
        connect_webhooks()
