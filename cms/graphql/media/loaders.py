"""Loaders for images and documents: public ones only."""

from wagtail.images import get_image_model

from cms.graphql.core.loaders import Loader
from content.visibility import public_media


class ImageByIdLoader(Loader):
    """Public images by id (None for a private or missing one)."""

    def batch_load(self, keys):
        images = public_media(get_image_model().objects.filter(pk__in=keys), self.request)
        return images.prefetch_renditions().in_bulk()
