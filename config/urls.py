from django.conf import settings
from django.urls import include, path, re_path
from wagtail.admin import urls as wagtailadmin_urls

from cms import headless
from cms.media import media

urlpatterns = [
    path("", include("cms.urls")),
    path("admin/", include("cms.wagtail_fixes")),  # ahead of the views it mends
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(headless.document_urls)),
    path("alerts/", include("notifications.urls")),
    # Uploaded files, in every environment: only after the privacy check (cms/media.py).
    re_path(r"^media/(?P<file_path>.+)$", media, name="media"),
]
# django-anymail's webhooks (ESP bounces and complaints: notifications/bounces.py), only with
# their basic-auth secret: an open one would let anyone suppress any address.
if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    urlpatterns.append(path("anymail/", include("anymail.urls")))
# Last: every other path is a page address, answered alike whatever the page (cms/headless.py).
urlpatterns.append(path("", include(headless.page_urls)))
