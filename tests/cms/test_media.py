"""/media/ (cms/media.py): files are handed out only after the API's privacy check."""

import pytest
import wagtail_factories
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction


@pytest.fixture
def private(db):
    collection = Collection.get_first_root_node().add_child(name="Embargoed")
    CollectionViewRestriction.objects.create(collection=collection, restriction_type="login")
    return collection


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_public_image_and_its_rendition_are_served(db):
    image = wagtail_factories.ImageFactory()
    rendition = image.get_rendition("width-50")
    for path in (image.file.name, rendition.file.name):
        response = Client().get(f"/media/{path}")
        assert response.status_code == 200, path
        with image.file.storage.open(path) as stored:
            assert body(response) == stored.read()


def test_a_private_image_and_its_renditions_are_404(private):
    image = wagtail_factories.ImageFactory(collection=private)
    rendition = image.get_rendition("width-50")
    for path in (image.file.name, rendition.file.name, "original_images/never-uploaded.png"):
        assert Client().get(f"/media/{path}").status_code == 404, path


def test_a_document_file_goes_through_wagtails_check(private):
    document = get_document_model().objects.create(
        title="Minutes", file=ContentFile(b"confidential", name="minutes.txt"), collection=private
    )
    response = Client().get(f"/media/{document.file.name}")
    assert response.status_code == 302
    assert response["Location"] == document.url
    followed = Client().get(document.url)
    assert followed.status_code == 302  # to the login page
    assert b"confidential" not in body(followed)


def test_the_proxy_sends_the_bytes_after_the_check(db, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    image = wagtail_factories.ImageFactory()
    response = Client().get(f"/media/{image.file.name}")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{image.file.name}"
    assert response.content == b""
