"""Uploaded files (MEDIA_URL), served only after the privacy check the API makes.

A proxy serving MEDIA_ROOT directly would hand out any file whose name is known or guessed,
images and documents of private collections included (their names are the uploaders' file
names). So the proxy sends /media/ here: an image, or a rendition of one, is served when its
collection is public (content.visibility.is_public_media); a document goes to Wagtail's serve
view, which applies its collection's restriction (login, groups, password); anything else is a
404. The bytes themselves come from the proxy when MEDIA_ACCEL_REDIRECT names an internal
location of it (nginx's X-Accel-Redirect, docs/deploy.md), otherwise from Django.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from content.visibility import is_public_media


def _image_of(file_path: str):
    Image = get_image_model()
    image = Image.objects.filter(file=file_path).first()
    if image is None:
        Rendition = Image.get_rendition_model()
        rendition = Rendition.objects.filter(file=file_path).select_related("image").first()
        image = rendition.image if rendition else None
    return image


def media(request, file_path: str):
    document = get_document_model().objects.filter(file=file_path).first()
    if document is not None:
        return HttpResponseRedirect(document.url)
    image = _image_of(file_path)
    if not is_public_media(image, request):
        raise Http404
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type="")  # the proxy sets the file's own type
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + file_path
    else:
        try:
            response = FileResponse(default_storage.open(file_path))
        except FileNotFoundError as err:
            raise Http404 from err
    # Short: a collection made private stops being served within minutes at any cache.
    response["Cache-Control"] = "public, max-age=300"
    return response
