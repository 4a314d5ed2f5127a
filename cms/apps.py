from django.apps import AppConfig
from django.conf import settings


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "GraphQL API and site-wide admin"

    def ready(self):
        from cms.caching import connect_invalidation

        connect_invalidation()

        from cms import revalidation
        from cms.webhooks import check_secret

        if settings.WEBHOOK_SECRET:  # a malformed secret stops the start, not each delivery
            check_secret(settings.WEBHOOK_SECRET)
        revalidation.connect()

        from cms import indexing

        indexing.connect()  # only with GOOGLE_INDEXING_CREDENTIALS_FILE set
