"""Personal data with a lifecycle (notifications/privacy.py): consent recorded at sign-up, a
subscriber's data downloadable and erasable by them (GraphQL, with their token) and by staff
(the admin), and an erasure that leaves the address in no table."""

import datetime as dt
import json
import uuid

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import models
from django.test import Client, override_settings
from django.utils import timezone

from cms.visitor import signed_headers
from notifications import privacy, retention, services
from notifications.models import (
    AcceptedEmail,
    Delivery,
    DeliverySummary,
    InstitutionNotice,
    JobAlert,
    Subscriber,
)
from notifications.tokens import manage_token
from tests.content.factories import InstitutionFactory
from tests.notifications.factories import confirmed_subscriber, publish_job
from tests.notifications.test_digests import run_now

pytestmark = pytest.mark.django_db

SUBSCRIBE = """
mutation($email: String!) {
  subscribe(email: $email, alert: {frequency: DAILY}) { ok }
}
"""
DATA = "query($token: String!) { subscription(token: $token) { personalData } }"
ERASE = "mutation($token: String!) { eraseSubscription(token: $token) { ok message } }"


def places_holding(email: str) -> list[str]:
    """Every text column of every model whose rows contain the address (any case)."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            text = isinstance(field, models.CharField | models.TextField)
            if text and model._default_manager.filter(**{f"{field.name}__icontains": email}):
                found.append(f"{model._meta.label}.{field.name}")
    return found


@pytest.fixture
def ada(job_index, eager_celery):
    """A subscriber with history everywhere: a sent job, a compacted older one, an
    accepted-email record, and an institution notice that also told the address."""
    ada = confirmed_subscriber("Ada@example.org", since=timezone.now() - dt.timedelta(minutes=1))
    publish_job(job_index, title="Postdoc in optics")
    run_now()
    DeliverySummary.objects.create(
        subscriber=ada, through=retention.cutoff(), sent=3, last_sent_at=timezone.now()
    )
    AcceptedEmail.objects.create(claim="c" * 32, subscriber_id=ada.pk)
    InstitutionNotice.objects.create(
        key="published:999",
        kind=InstitutionNotice.Kind.PUBLISHED,
        institution=InstitutionFactory(name="TU Delft"),
        recipients="hr@tudelft.nl\nada@example.org",
    )
    return ada


def test_the_export_holds_the_address_alerts_and_history(ada):
    data = privacy.export(ada)
    assert data["subscriber"]["email"] == "Ada@example.org"
    assert [a["frequency"] for a in data["alerts"]] == ["INSTANT"]
    assert [d["status"] for d in data["deliveries"]] == ["sent"]
    assert data["older_deliveries"]["sent"] == 3
    json.dumps(data)  # all of it serialisable


def test_erasure_leaves_the_address_in_no_table(ada):
    other = confirmed_subscriber("bob@example.org")
    assert places_holding("ada@example.org")  # the check sees the address before...
    privacy.erase(ada)
    assert places_holding("ada@example.org") == []  # ...and nowhere after
    assert not Delivery.objects.filter(subscriber_id=ada.pk).exists()
    assert not AcceptedEmail.objects.filter(subscriber_id=ada.pk).exists()
    assert not DeliverySummary.objects.filter(subscriber_id=ada.pk).exists()
    assert not JobAlert.objects.filter(subscriber_id=ada.pk).exists()
    assert InstitutionNotice.objects.get(key="published:999").recipients == "hr@tudelft.nl"
    assert Subscriber.objects.filter(pk=other.pk).exists()


@override_settings(NOTIFICATIONS_CONSENT_VERSION="v7", FRONTEND_SHARED_SECRET="s3cret")
def test_consent_is_recorded_with_its_version_and_route(graphql):
    email = f"x-{uuid.uuid4().hex[:8]}@example.org"
    graphql.post(SUBSCRIBE, {"email": email}, REMOTE_ADDR="10.9.8.7")
    subscriber = Subscriber.objects.get(email=email)
    assert (subscriber.consent_version, subscriber.consent_method) == ("v7", "api")
    assert subscriber.consented_at is not None

    email = f"y-{uuid.uuid4().hex[:8]}@example.org"
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v
        for k, v in signed_headers("s3cret", "10.1.2.3").items()
    }
    graphql.post(SUBSCRIBE, {"email": email}, REMOTE_ADDR="10.9.8.6", **headers)
    assert Subscriber.objects.get(email=email).consent_method == "form"


def test_a_subscriber_downloads_and_erases_their_data_with_their_token(graphql, ada):
    token = manage_token(ada.pk)
    answer = graphql.post(DATA, {"token": token}).json()
    data = json.loads(answer["data"]["subscription"]["personalData"])
    assert data["subscriber"]["email"] == "Ada@example.org"

    assert graphql.post(ERASE, {"token": "forged"}).json()["errors"]
    assert Subscriber.objects.filter(pk=ada.pk).exists()
    answer = graphql.post(ERASE, {"token": token}).json()
    assert answer["data"]["eraseSubscription"]["ok"] is True
    assert places_holding("ada@example.org") == []
    # The token now names nobody.
    assert graphql.post(DATA, {"token": token}).json()["errors"]


def staff(django_user_model, *codenames) -> Client:
    user = django_user_model.objects.create_user(username=f"s{uuid.uuid4().hex[:6]}", password="p")
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["access_admin", "view_subscriber", *codenames])
    )
    client = Client()
    client.force_login(user)
    return client


def test_staff_download_and_erase_in_the_admin(django_user_model, ada):
    url = f"/admin/subscribers/personal-data/{ada.pk}/"
    assert staff(django_user_model).get(url).status_code in (302, 403)
    operator = staff(django_user_model, "view_subscriber_email", "delete_subscriber")
    response = operator.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["subscriber"]["email"] == "Ada@example.org"
    assert url.encode() in operator.get(f"/admin/subscribers/inspect/{ada.pk}/").content

    response = operator.post(f"/admin/subscribers/delete/{ada.pk}/")
    assert response.status_code == 302
    assert places_holding("ada@example.org") == []


def test_unconfirmed_sign_ups_are_erased_after_the_window(db):
    old = Subscriber.objects.create(
        email="late@example.org", consented_at=timezone.now(), created_at=timezone.now()
    )
    JobAlert.objects.create(subscriber=old, frequency="DAILY")
    Subscriber.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    JobAlert.objects.filter(subscriber=old).update(created_at=timezone.now() - dt.timedelta(days=8))
    services.expire_unconfirmed_alerts()
    assert places_holding("late@example.org") == []
