"""The admin: subscribers and runs for those allowed; addresses only with the permission."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from wagtail.models import Site

from notifications.models import Delivery, DigestRun, EmailBranding
from tests.notifications.factories import confirmed_subscriber, publish_job

pytestmark = pytest.mark.django_db


def staff(django_user_model, username, *codenames):
    user = django_user_model.objects.create_user(username=username, password="pw")
    wanted = ["access_admin", *codenames]
    user.user_permissions.set(Permission.objects.filter(codename__in=wanted))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def subscriber(db):
    return confirmed_subscriber("ada@example.org", keywords=["robotics"])


def test_operator_with_permission_sees_and_searches_addresses(django_user_model, subscriber):
    client = staff(django_user_model, "operator", "view_subscriber", "view_subscriber_email")
    page = client.get("/admin/subscribers/")
    assert page.status_code == 200
    assert b"ada@example.org" in page.content
    assert b"ada@example.org" in client.get("/admin/subscribers/?q=ada").content
    inspect = client.get(f"/admin/subscribers/inspect/{subscriber.pk}/")
    assert b"ada@example.org" in inspect.content
    assert b"keywords: robotics" in inspect.content


def test_without_the_email_permission_no_address_is_shown(django_user_model, subscriber):
    client = staff(django_user_model, "support", "view_subscriber")
    page = client.get("/admin/subscribers/?status=confirmed")
    assert page.status_code == 200
    assert b"(hidden)" in page.content
    assert b"ada@example.org" not in page.content
    # Searching by address would reveal whether it is subscribed.
    assert b"(hidden)" not in client.get("/admin/subscribers/?q=ada").content
    inspect = client.get(f"/admin/subscribers/inspect/{subscriber.pk}/")
    assert inspect.status_code == 200
    assert b"ada@example.org" not in inspect.content


def test_editors_without_permissions_see_no_subscribers(django_user_model, subscriber):
    client = staff(django_user_model, "editor")
    assert client.get("/admin/subscribers/").status_code in (302, 403)
    home = client.get("/admin/")
    assert home.status_code == 200
    assert b"Job alerts" in home.content  # the figures panel: counts only
    # ... in Wagtail's own dashboard panel markup, like the panels beside it.
    assert b'class="w-panel w-panel--dashboard" id="job-alerts-section"' in home.content
    assert b"ada@example.org" not in home.content


def test_digest_runs_list_their_counts(django_user_model, admin_client):
    DigestRun.objects.create(frequency="DAILY", emails_sent=12, sent=30, failed=2, skipped=1)
    page = admin_client.get("/admin/digest_runs/")
    assert page.status_code == 200
    for figure in (b"12", b"30"):
        assert figure in page.content
    assert admin_client.get("/admin/digest_runs/new/").status_code in (302, 403, 404)


def test_inspect_shows_why_deliveries_failed(django_user_model, subscriber, job_index):
    job = publish_job(job_index, title="Postdoc in robotics")
    Delivery.objects.create(
        subscriber=subscriber,
        job=job,
        status=Delivery.Status.FAILED,
        error="ValueError: Invalid address",
    )
    client = staff(django_user_model, "operator", "view_subscriber")
    inspect = client.get(f"/admin/subscribers/inspect/{subscriber.pk}/")
    assert f"job #{job.pk} failed: ValueError: Invalid address".encode() in inspect.content


def test_email_branding_is_a_site_setting_in_the_admin(django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client = Client()
    client.force_login(admin)
    site = Site.objects.get(is_default_site=True)
    url = f"/admin/settings/notifications/emailbranding/{site.pk}/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"site_name": "Findaphd", "accent_colour": "red;x:1"})
    assert bad.status_code == 200 and b"A colour as #rrggbb" in bad.content
    good = client.post(
        url, {"site_name": "Findaphd", "accent_colour": "#7a1f5c", "postal_address": "1 Road"}
    )
    assert good.status_code == 302
    assert EmailBranding.for_site(site).accent_colour == "#7a1f5c"
