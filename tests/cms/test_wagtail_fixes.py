"""Wagtail admin views mended in cms/wagtail_fixes.py: malformed input is a 4xx, not a 500,
and the mended views stay behind the admin login."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URLS = [
    "/admin/choose-anchor-link/?parent_page_id=5.0",
    "/admin/choose-external-link/?parent_page_id=%205",
    "/admin/choose-email-link/?parent_page_id=-5",
    "/admin/choose-phone-link/?parent_page_id=%D9%A5",
    "/admin/choose-page/chosen-multiple/?id=5.0",
    "/admin/images/chooser/chosen/5.0/",
    "/admin/documents/chooser/chosen/all/",
    "/admin/snippets/choose/content/role/chosen/99999999999999999999999/",
]


@pytest.mark.parametrize("url", URLS)
def test_malformed_ids_are_a_404_for_an_editor(admin_client, url):
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url).status_code in (404, 405)  # some take no POST at all


def test_a_post_without_a_url_is_a_form_error(admin_client):
    response = admin_client.post("/admin/choose-external-link/")
    assert response.status_code == 200
    assert admin_client.get("/admin/choose-anchor-link/?parent_page_id=3").status_code == 200


def test_the_mended_views_still_need_an_admin_login():
    response = Client().get("/admin/choose-external-link/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
