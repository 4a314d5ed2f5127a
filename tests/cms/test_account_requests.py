"""'Post a job': an institution's request, from the public mutation (over the real endpoint)
through staff's approval in the admin and the invitation email, to its first posting."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from cms.visitor import signed_headers
from content.employers.accounts import GROUP_PREFIX
from content.models import (
    Institution,
    InstitutionAccountRequest,
    InstitutionMembership,
    JobPostingPage,
)
from content.moderation import REVIEWERS_GROUP, ensure_job_moderation
from tests.content.factories import InstitutionFactory, RoleFactory

REQUEST = """
mutation Request($input: InstitutionAccountRequestInput!) {
  requestInstitutionAccount(input: $input) { ok message errors { field messages } }
}"""
ADMIN = "wagtailsnippets_content_institutionaccountrequest"


def good(**overrides):
    return {
        "institutionName": "University of Ulm",
        "websiteUrl": "https://www.uni-ulm.example/",
        "contactName": "Ursula Ulmer",
        "contactEmail": "ursula@uni-ulm.example",
        "position": "Head of HR",
        "country": "de",
        "message": "We post about 40 positions a year.",
        "consent": True,
        **overrides,
    }


def ask(graphql, data, **extra):
    response = graphql.post(REQUEST, {"input": data}, **extra)
    assert response.status_code == 200, response.content
    payload = response.json()
    assert "errors" not in payload, payload
    return payload["data"]["requestInstitutionAccount"]


@pytest.fixture
def staff(db):
    """A superuser and a reviewer with the model's permission get the notice; an editor
    without it does not."""
    admin = User.objects.create_superuser("admin", "admin@example.org", "pw")
    reviewer = User.objects.create_user("rev", "rev@example.org", "pw")
    group = Group.objects.create(name="Account reviewers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_institutionaccountrequest"),
    )
    reviewer.groups.add(group)
    User.objects.create_user("ed", "ed@example.org", "pw", is_staff=True)
    return admin


def test_a_request_is_stored_pending_and_staff_are_told(graphql, staff):
    answer = ask(graphql, good())
    assert answer["ok"] is True and answer["errors"] == []
    assert "two working days" in answer["message"]
    request = InstitutionAccountRequest.objects.get()
    assert request.status == "PENDING" and request.consented_at is not None
    assert request.contact_email == "ursula@uni-ulm.example"
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.org", "rev@example.org"]
    notice = mail.outbox[0]
    assert "University of Ulm" in notice.subject
    assert reverse(f"{ADMIN}:edit", args=[request.pk]) in notice.body
    assert "Ursula Ulmer" in notice.alternatives[0][0]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"institutionName": ""}, "institutionName"),
        ({"institutionName": "Ulm\r\nBcc: x@evil.example"}, "institutionName"),
        ({"contactName": "Ann\u202eeve"}, "contactName"),
        ({"position": "x" * 151}, "position"),
        ({"websiteUrl": "not a url"}, "websiteUrl"),
        ({"websiteUrl": "ftp://uni-ulm.example/"}, "websiteUrl"),
        ({"contactEmail": "ursula"}, "contactEmail"),
        ({"contactEmail": "ursula@localhost"}, "contactEmail"),
        ({"message": "m" * 2001}, "message"),
        ({"country": "XX"}, "country"),
        ({"consent": False}, "consent"),
    ],
)
def test_bad_input_gets_field_errors_and_stores_nothing(graphql, staff, overrides, field):
    answer = ask(graphql, good(**overrides))
    assert answer["ok"] is False and answer["message"] is None
    assert [error["field"] for error in answer["errors"]] == [field]
    assert answer["errors"][0]["messages"][0]
    assert not InstitutionAccountRequest.objects.exists() and not mail.outbox


def test_every_error_at_once(graphql, staff):
    data = good(institutionName=" ", contactEmail="x", consent=False)
    fields = [error["field"] for error in ask(graphql, data)["errors"]]
    assert fields == ["institutionName", "contactEmail", "consent"]


def test_a_repeat_while_pending_is_answered_alike_and_stored_once(graphql, staff):
    first, second = ask(graphql, good()), ask(graphql, good(contactEmail="Ursula@UNI-ULM.example"))
    assert first == second
    assert InstitutionAccountRequest.objects.count() == 1 and len(mail.outbox) == 2


def test_requests_are_rate_limited_like_sign_ups_per_visitor(graphql, staff, settings):
    settings.FRONTEND_SHARED_SECRET = "s"
    settings.NOTIFICATIONS_SIGNUPS_PER_IP_PER_HOUR = 2
    meta = {
        f"HTTP_{name.upper().replace('-', '_')}": value
        for name, value in signed_headers("s", "203.0.113.9").items()
    }
    answers = [
        ask(graphql, good(contactEmail=f"hr{n}@uni-ulm.example"), REMOTE_ADDR="10.0.0.1", **meta)
        for n in range(3)
    ]
    assert all(answer == answers[0] for answer in answers)  # the same answer, always
    assert InstitutionAccountRequest.objects.count() == 2  # the third was not stored
    other = signed_headers("s", "203.0.113.10")
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in other.items()}
    ask(graphql, good(contactEmail="hr9@uni-ulm.example"), REMOTE_ADDR="10.0.0.1", **meta)
    assert InstitutionAccountRequest.objects.count() == 3  # another visitor is not stopped


def _pending(**fields):
    values = {
        "institution_name": "University of Ulm",
        "website_url": "https://www.uni-ulm.example/",
        "contact_name": "Ursula Ulmer",
        "contact_email": "ursula@uni-ulm.example",
        "position": "Head of HR",
        "consented_at": timezone.now(),
        **fields,
    }
    return InstitutionAccountRequest.objects.create(**values)


def _admin(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _post(client, url, data=None):
    """A POST with the CSRF token the page's own form carries."""
    page = client.get(url)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    return client.post(url, {"csrfmiddlewaretoken": token, **(data or {})})


def test_staff_list_requests_with_their_review_links(staff):
    request = _pending()
    listing = _admin(staff).get(reverse(f"{ADMIN}:list"))
    html = listing.content.decode()
    assert "University of Ulm" in html
    assert reverse(f"{ADMIN}:approve", args=[request.pk]) in html
    assert reverse(f"{ADMIN}:reject", args=[request.pk]) in html


def test_approval_needs_a_post_with_the_csrf_token(staff, job_index):
    request = _pending(country="DE")
    client = _admin(staff)
    url = reverse(f"{ADMIN}:approve", args=[request.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 403  # no CSRF token
    request.refresh_from_db()
    assert request.status == "PENDING" and not User.objects.filter(email=request.contact_email)
    assert not mail.outbox


def test_approval_without_a_country_for_a_new_institution_changes_nothing(staff, job_index):
    request = _pending()
    response = _post(_admin(staff), reverse(f"{ADMIN}:approve", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "PENDING" and not Institution.objects.exists()
    assert not User.objects.filter(email="ursula@uni-ulm.example").exists() and not mail.outbox


def test_approval_uses_the_institution_we_list_at_that_website(staff, job_index):
    ulm = InstitutionFactory(
        name="Universität Ulm", slug="ulm", website_url="https://uni-ulm.example"
    )
    request = _pending()
    _post(_admin(staff), reverse(f"{ADMIN}:approve", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == "APPROVED" and request.institution == ulm
    assert Institution.objects.count() == 1


def test_rejection_records_who_and_why_and_creates_nothing(staff):
    request = _pending()
    client = _admin(staff)
    reject_url = reverse(f"{ADMIN}:reject", args=[request.pk])
    response = _post(client, reject_url, {"reason": "Not a lab."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.reason, request.reviewed_by) == (
        "REJECTED",
        "Not a lab.",
        staff,
    )
    assert request.reviewed_at is not None and request.user is None
    assert not User.objects.filter(email=request.contact_email).exists()
    # The requester is told, without staff's reason, and shown the way to ask again.
    [told] = mail.outbox
    assert told.to == ["ursula@uni-ulm.example"] and "University of Ulm" in told.subject
    assert "Not a lab." not in told.body and "/post-a-job/" in told.body
    assert "/post-a-job/" in told.alternatives[0][0]
    # Reviewed once: a second approval is refused and changes nothing.
    token = client.cookies["csrftoken"].value
    approve = reverse(f"{ADMIN}:approve", args=[request.pk])
    assert client.post(approve, {"csrfmiddlewaretoken": token}).status_code == 302
    request.refresh_from_db()
    assert request.status == "REJECTED" and not User.objects.filter(email=request.contact_email)


def test_institution_accounts_and_editors_cannot_see_or_review_requests(staff, db):
    request = _pending()
    oxford = InstitutionFactory(name="Oxford", slug="oxford")
    olive = User.objects.create_user("olive", "olive@ox.example", "pw")
    InstitutionMembership.objects.create(user=olive, institution=oxford)
    editor = User.objects.create_user("eddie", "eddie@example.org", "pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for user in (olive, editor):
        client = Client()
        client.force_login(user)
        for name, args in [
            ("list", []),
            ("edit", [request.pk]),
            ("inspect", [request.pk]),
            ("approve", [request.pk]),
            ("reject", [request.pk]),
        ]:
            url = reverse(f"{ADMIN}:{name}", args=args)
            assert client.get(url).status_code in (302, 403, 404), (user, name)
            assert client.post(url, {"reason": "x"}).status_code in (302, 403, 404), (user, name)
    request.refresh_from_db()
    assert request.status == "PENDING" and request.reason == ""
    # Even with the model's permission, an institution account is refused (deny by default).
    olive.user_permissions.add(Permission.objects.get(codename="change_institutionaccountrequest"))
    client = Client()
    client.force_login(olive)
    assert client.get(reverse(f"{ADMIN}:approve", args=[request.pk])).status_code == 404


def test_from_the_form_to_the_first_posting(graphql, staff, job_index):
    """An institution's request followed from the form to its first posting."""
    ensure_job_moderation()
    User.objects.get(username="rev").groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    role = RoleFactory(slug="postdoc")
    assert ask(graphql, good())["ok"]
    request = InstitutionAccountRequest.objects.get()

    # The form gave the new institution's country (upper-cased); staff approve.
    assert request.country == "DE"
    mail.outbox.clear()
    client = _admin(staff)
    response = _post(client, reverse(f"{ADMIN}:approve", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    user = User.objects.get(email="ursula@uni-ulm.example")
    assert (request.status, request.user, request.reviewed_by) == ("APPROVED", user, staff)
    ulm = Institution.objects.get(name="University of Ulm")
    assert (ulm.slug, ulm.country, request.institution) == ("university-of-ulm", "DE", ulm)
    assert user.institution_membership.institution == ulm and not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [GROUP_PREFIX + ulm.slug]

    # The invitation: one email, to the requester, with a link to set a password.
    [invitation] = mail.outbox
    assert invitation.to == ["ursula@uni-ulm.example"]
    assert "University of Ulm" in invitation.subject
    link = re.search(r"https?://\S+/admin/password_reset/confirm/\S+/", invitation.body)[0]
    assert link in invitation.alternatives[0][0]

    # Following it (as a visitor: the path only), the requester sets a password.
    visitor = Client()
    path = "/" + link.split("/", 3)[3]
    form = visitor.get(path, follow=True)
    assert form.status_code == 200 and b"new_password1" in form.content
    set_url = form.redirect_chain[-1][0]
    password = "Glacier-Ulm-2031"
    done = visitor.post(set_url, {"new_password1": password, "new_password2": password})
    assert done.status_code == 302
    assert visitor.login(username="ursula@uni-ulm.example", password=password)

    # Signed in, the account adds its first posting and submits it for moderation.
    add_url = reverse("wagtailadmin_pages:add", args=["content", "jobpostingpage", job_index.pk])
    page = visitor.get(add_url)
    assert page.status_code == 200
    data = querydict_from_html(page.content.decode(), form_id="page-edit-form")
    closing = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    data.update(
        {
            "title": "Postdoc in quantum sensing",
            "slug": "postdoc-in-quantum-sensing",
            "role": str(role.pk),
            "closing_date": closing,
            "application_url": "https://uni-ulm.example/jobs/1",
            "description": rich_text("<p>Sensors.</p>"),
            "action-submit": "Submit",
        }
    )
    assert visitor.post(add_url, data).status_code in (200, 302)
    job = JobPostingPage.objects.get(slug="postdoc-in-quantum-sensing")
    assert job.institution == ulm and not job.live
    assert job.current_workflow_state.status == "in_progress"
    # Ulm's account sees its posting in the admin, and the request's page is closed to it.
    assert visitor.get(reverse("wagtailadmin_pages:edit", args=[job.pk])).status_code == 200
    assert visitor.get(reverse(f"{ADMIN}:list")).status_code == 404


def test_a_failed_invitation_undoes_the_approval(staff, job_index, settings):
    settings.EMAIL_BACKEND = "tests.cms.test_account_requests.FailingBackend"
    request = _pending(country="DE")
    response = _post(_admin(staff), reverse(f"{ADMIN}:approve", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "PENDING"
    assert not User.objects.filter(email="ursula@uni-ulm.example").exists()
    assert not Institution.objects.exists()


def test_a_request_without_a_country_is_taken(graphql, staff):
    """The API's input gained `country` as optional: older clients keep working."""
    data = good()
    del data["country"]
    assert ask(graphql, data)["ok"]
    assert InstitutionAccountRequest.objects.get().country == ""


def test_countries_all_lists_every_iso_country(graphql, db):
    query = "{ listed: countries { code } all: countries(all: true) { code name jobCount } }"
    data = graphql.post(query).json()["data"]
    assert data["listed"] == []
    codes = [c["code"] for c in data["all"]]
    assert len(codes) > 240 and {"DE", "GB", "NZ"} <= set(codes)
    names = [c["name"] for c in data["all"]]
    assert names == sorted(names)


def test_a_failed_rejection_email_leaves_the_request_pending(staff, settings):
    settings.EMAIL_BACKEND = "tests.cms.test_account_requests.FailingBackend"
    request = _pending()
    _post(_admin(staff), reverse(f"{ADMIN}:reject", args=[request.pk]), {"reason": "x"})
    request.refresh_from_db()
    assert (request.status, request.reason, request.reviewed_by) == ("PENDING", "", None)


def test_staff_resend_an_invitation_until_a_password_is_set(staff, job_index):
    request = _pending(country="DE")
    client = _admin(staff)
    resend = reverse(f"{ADMIN}:resend", args=[request.pk])
    # Pending: nothing to resend.
    assert resend not in client.get(reverse(f"{ADMIN}:list")).content.decode()
    assert b"Only an approved request" in client.get(resend).content
    token = client.cookies["csrftoken"].value
    assert client.post(resend, {"csrfmiddlewaretoken": token}).status_code == 302
    assert not mail.outbox

    _post(client, reverse(f"{ADMIN}:approve", args=[request.pk]))
    [first] = mail.outbox
    assert resend in client.get(reverse(f"{ADMIN}:list")).content.decode()
    response = _post(client, resend)
    assert response.status_code == 302
    [_, again] = mail.outbox
    assert again.to == first.to == ["ursula@uni-ulm.example"]
    assert re.search(r"https?://\S+/admin/password_reset/confirm/\S+/", again.body)

    # Once the account sets a password, there is no invitation to resend.
    user = User.objects.get(email="ursula@uni-ulm.example")
    user.set_password("Glacier-Ulm-2031")
    user.save()
    assert resend not in client.get(reverse(f"{ADMIN}:list")).content.decode()
    assert client.post(resend, {"csrfmiddlewaretoken": token}).status_code == 302
    assert len(mail.outbox) == 2


def test_institution_accounts_cannot_resend_invitations(staff, job_index):
    request = _pending(country="DE")
    _post(_admin(staff), reverse(f"{ADMIN}:approve", args=[request.pk]))
    request.refresh_from_db()
    ulm_account = request.user
    ulm_account.set_password("pw-Glacier-2031")
    ulm_account.save()
    client = _admin(ulm_account)
    assert client.get(reverse(f"{ADMIN}:resend", args=[request.pk])).status_code in (302, 403, 404)


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("Connection refused")


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_staff_are_told_when_the_contact_address_is_suppressed(staff, job_index, action):
    """No silent no-op: the email is not sent, nothing is changed, staff read why and what to
    do, and the refused send is recorded (Job alerts › Bounces and complaints)."""
    from notifications import suppression
    from notifications.models import DeliveryEvent

    suppression.suppress("ursula@uni-ulm.example", suppression.Reason.HARD_BOUNCE, "dsn")
    request = _pending(country="DE")
    client = _admin(staff)
    data = {"reason": "x"} if action == "reject" else {}
    response = _post(client, reverse(f"{ADMIN}:{action}", args=[request.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse(f"{ADMIN}:edit", args=[request.pk])
    shown = client.get(response["Location"]).content.decode()
    assert "was not sent, and nothing was changed" in shown
    assert "suppression list" in shown and "hard bounce (dsn," in shown
    assert not mail.outbox
    request.refresh_from_db()
    assert request.status == "PENDING"
    event = DeliveryEvent.objects.get()
    assert (event.kind, event.source) == (
        "not_sent",
        f"admin:{'invitation' if action == 'approve' else 'rejection email'}"[:40],
    )
    assert event.key == suppression.key("ursula@uni-ulm.example")


def test_resending_an_invitation_to_a_suppressed_address_tells_staff(staff, job_index):
    from notifications import suppression
    from notifications.models import DeliveryEvent

    request = _pending(country="DE")
    client = _admin(staff)
    _post(client, reverse(f"{ADMIN}:approve", args=[request.pk]))
    assert len(mail.outbox) == 1
    suppression.suppress("ursula@uni-ulm.example", suppression.Reason.COMPLAINT, "arf")
    response = _post(client, reverse(f"{ADMIN}:resend", args=[request.pk]))
    assert response["Location"] == reverse(f"{ADMIN}:edit", args=[request.pk])
    assert "The invitation was not sent" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    assert DeliveryEvent.objects.get().kind == "not_sent"
