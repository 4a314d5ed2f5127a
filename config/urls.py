from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls

from cms import headless

urlpatterns = [
    path("", include("cms.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(headless.document_urls)),
    path("alerts/", include("notifications.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
# Last: every other path is a page address, answered alike whatever the page (cms/headless.py).
urlpatterns.append(path("", include(headless.page_urls)))
