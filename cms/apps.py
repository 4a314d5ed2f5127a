from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "GraphQL API and site-wide admin"

    def ready(self):
        from cms.caching import connect_invalidation

        connect_invalidation()

        from cms.webhooks import connect as connect_webhooks

        connect_webhooks()
