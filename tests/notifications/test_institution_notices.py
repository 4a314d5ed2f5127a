"""Lifecycle notices to an institution's contacts (notifications/institution_notices.py),
sent over real SMTP (aiosmtpd) by the Celery task, run eagerly after commit."""

import datetime as dt
import email
from email.header import decode_header, make_header

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.models import InstitutionMembership, JobPostingPage
from content.moderation import REVIEWERS_GROUP, ensure_job_moderation
from notifications import suppression
from notifications.institution_notices import Notice, NoticeKind, record
from notifications.models import DeliveryEvent, InstitutionNotice
from notifications.tasks import publish_scheduled, send_closing_soon_notices
from tests.cms.test_moderation import act, draft_job, login, submit_in_admin
from tests.content.factories import InstitutionFactory, JobPostingPageFactory, RoleFactory
from tests.notifications.smtp import smtp_server

CONTACT = "jobs@ox.example"


@pytest.fixture
def smtp(settings, eager_celery):
    with smtp_server() as (handler, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield handler


@pytest.fixture
def oxford(db):
    return InstitutionFactory(name="Oxford", slug="oxford", notices_email=CONTACT)


@pytest.fixture
def people(job_index):
    ensure_job_moderation()
    editor = User.objects.create_user("eddie", "eddie@example.org", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    reviewer = User.objects.create_user("rita", "rita@example.org", "pw", first_name="Rita")
    reviewer.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    return editor, reviewer


def notices_to(handler, address: str) -> list[tuple[str, str, str]]:
    """(subject, text part, html part) of every email the SMTP server accepted for
    `address`, in order of arrival."""
    found = []
    with handler.lock:
        accepted = list(handler.accepted)
    for rcpt, raw in accepted:
        if rcpt != address:
            continue
        message = email.message_from_bytes(raw)
        parts = {
            part.get_content_type(): part.get_payload(decode=True).decode()
            for part in message.walk()
            if not part.is_multipart()
        }
        subject = str(make_header(decode_header(message["Subject"])))
        found.append((subject, parts["text/plain"], parts["text/html"]))
    return found


def test_one_posting_from_submission_to_closing(
    people, oxford, job_index, smtp, monkeypatch, django_capture_on_commit_callbacks
):
    editor, reviewer = people
    job = draft_job(job_index, editor, institution=oxford, title="Postdoc in optics")
    editor_client, reviewer_client = login(editor), login(reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        submit_in_admin(editor_client, job)
    assert notices_to(smtp, CONTACT) == []  # a submission is nothing public

    # Needs changes: the reviewer's comment, word for word, and a link to edit the posting.
    with django_capture_on_commit_callbacks(execute=True):
        job.refresh_from_db()
        act(reviewer_client, job, "reject", comment="Please add the salary range & hours.")
    ((subject, text, html),) = notices_to(smtp, CONTACT)
    assert subject == "Changes requested: Postdoc in optics"
    assert "Please add the salary range & hours." in text
    assert "Please add the salary range &amp; hours." in html
    assert f"/admin/pages/{job.pk}/edit/" in text and "Reviewed by Rita" in text
    assert f"/admin/snippets/content/institution/edit/{oxford.pk}/" in text  # the switches

    # Resubmitted and approved: went live, told once.
    with django_capture_on_commit_callbacks(execute=True):
        submit_in_admin(editor_client, job)
        job.refresh_from_db()
        act(reviewer_client, job, "approve")
    job = JobPostingPage.objects.get(pk=job.pk)
    assert job.live
    assert [n[0] for n in notices_to(smtp, CONTACT)][1:] == ["Live now: Postdoc in optics"]

    # A new live version (and another) is no news: first go-live only.
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            job.save_revision(user=reviewer).publish(user=reviewer)
    assert len(notices_to(smtp, CONTACT)) == 2

    # Three days before closing the beat task tells once, however often it runs.
    three_days_before = job.closes_at - dt.timedelta(days=2, hours=12)
    monkeypatch.setattr(timezone, "now", lambda: three_days_before)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            send_closing_soon_notices()
    subjects = [n[0] for n in notices_to(smtp, CONTACT)]
    assert subjects[2:] == ["Closes in 3 days: Postdoc in optics"]

    # The closing date passes: the scheduler expires it, and that is told once.
    after_closing = job.closes_at + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: after_closing)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            publish_scheduled()
    assert not JobPostingPage.objects.get(pk=job.pk).live
    subjects = [n[0] for n in notices_to(smtp, CONTACT)]
    assert subjects == [
        "Changes requested: Postdoc in optics",
        "Live now: Postdoc in optics",
        "Closes in 3 days: Postdoc in optics",
        "Closed: Postdoc in optics",
    ]
    assert "has passed" in notices_to(smtp, CONTACT)[-1][1]
    # The ledger: one row per fact, all sent; nobody else was told (Wagtail's own
    # moderation emails went to the editor and the reviewer, not to the contact).
    assert sorted(InstitutionNotice.objects.values_list("kind", "status")) == [
        ("changes_requested", "sent"),
        ("closed", "sent"),
        ("closing_soon", "sent"),
        ("published", "sent"),
    ]
    assert {rcpt for rcpt, _ in smtp.accepted} <= {CONTACT, "eddie@example.org", "rita@example.org"}


def test_switched_off_nothing_is_sent_not_even_after_switching_on(
    oxford, job_index, smtp, django_capture_on_commit_callbacks
):
    oxford.notify_published = False
    oxford.save()
    job = JobPostingPageFactory(parent=job_index, institution=oxford, live=False)
    with django_capture_on_commit_callbacks(execute=True):
        job.save_revision().publish()
    assert notices_to(smtp, CONTACT) == []
    assert InstitutionNotice.objects.get().status == "off"

    oxford.notify_published = True
    oxford.save()
    with django_capture_on_commit_callbacks(execute=True):
        job.save_revision().publish()
    assert notices_to(smtp, CONTACT) == []  # the fact was its first go-live, switched off


def test_contacts_default_to_the_accounts_and_skip_suppressed_addresses(
    job_index, smtp, django_capture_on_commit_callbacks
):
    cambridge = InstitutionFactory(name="Cambridge", slug="cambridge")
    for name in ("ann", "bob"):
        user = User.objects.create_user(name, f"{name}@cam.example", "pw")
        InstitutionMembership.objects.create(user=user, institution=cambridge)
    # Bounced before (any spelling of the mailbox): the one suppression list says so.
    suppression.suppress("Bob+jobs@cam.example", suppression.Reason.HARD_BOUNCE, "dsn")
    job = JobPostingPageFactory(parent=job_index, institution=cambridge, live=False)
    with django_capture_on_commit_callbacks(execute=True):
        job.save_revision().publish()
    assert [rcpt for rcpt, _ in smtp.accepted] == ["ann@cam.example"]
    # Not a silent no-op: the notice says so, and the unsent email is recorded.
    notice = InstitutionNotice.objects.get()
    assert (notice.status, notice.error) == ("sent", "1 on the suppression list, not told")
    event = DeliveryEvent.objects.get()
    assert (event.kind, event.source) == ("not_sent", "notice")
    assert event.key == suppression.key("bob@cam.example")


@pytest.mark.parametrize("refusal", ["refuse_next_data", "refuse_next_rcpt"])
def test_a_mail_server_saying_not_now_leaves_the_notice_pending_for_the_retry(
    oxford, job_index, settings, django_capture_on_commit_callbacks, refusal
):
    from notifications.institution_notices import TransientSendError, send_notices

    job = JobPostingPageFactory(parent=job_index, institution=oxford, live=False)
    with django_capture_on_commit_callbacks(execute=False):  # recorded, not sent yet
        job.save_revision().publish()
    notice = InstitutionNotice.objects.get()
    with smtp_server() as (handler, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        setattr(handler, refusal, 1)  # 421 at DATA, or 451 (greylisted) at RCPT
        with pytest.raises(TransientSendError):
            send_notices([notice.pk])
        notice.refresh_from_db()
        assert notice.status == "pending"
        assert send_notices([notice.pk]) == 1
        assert send_notices([notice.pk]) == 0  # sent: never again
    notice.refresh_from_db()
    assert notice.status == "sent" and [rcpt for rcpt, _ in handler.accepted] == [CONTACT]


def test_one_email_per_institution_for_a_publishing_import(
    oxford, job_index, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    from content.imports.bulk import import_rows
    from content.imports.reading import Mode, Record

    rows = [
        Record(
            n,
            {
                "title": f"Lecturer {n}",
                "reference": f"L{n}",
                "role": "Lecturer",
                "description": "<p>Teach.</p>",
                "closing_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
                "application_url": "https://apply.example.org/",
            },
        )
        for n in (1, 2, 3)
    ]
    RoleFactory(name="Lecturer", slug="lecturer")
    with django_capture_on_commit_callbacks(execute=True):
        report = import_rows(iter(rows), institution=oxford, mode=Mode.PUBLISH)
    assert report.count("created") == 3, report.failures
    (message,) = mailoutbox
    assert message.to == [CONTACT] and message.subject == "3 postings went live"
    assert all(f"Lecturer {n}" in message.body for n in (1, 2, 3))


def test_staff_set_contacts_and_switches_in_the_institution_form(oxford):
    from django.test import Client
    from django.urls import reverse

    admin = User.objects.create_superuser("boss", "boss@example.org", "pw")
    client = Client()
    client.force_login(admin)
    url = reverse("wagtailsnippets_content_institution:edit", args=[oxford.pk])
    page = client.get(url).content.decode()
    assert 'name="notices_email"' in page and 'name="notify_closing_soon"' in page

    data = {
        "name": oxford.name,
        "slug": oxford.slug,
        "kind": oxford.kind,
        "city": oxford.city,
        "country": oxford.country,
        "website_url": oxford.website_url,
        "notices_email": "a@ox.example, b@ox.example\nc@ox.example",
        "notify_published": "on",
        "notify_closed": "on",
    }
    assert client.post(url, data).status_code == 302
    oxford.refresh_from_db()
    assert oxford.notice_addresses() == ["a@ox.example", "b@ox.example", "c@ox.example"]
    assert oxford.notify_published and not oxford.notify_closing_soon

    refused = client.post(url, {**data, "notices_email": "a@ox.example, not-an-address"})
    assert refused.status_code == 200 and "Not an email address: not-an-address" in (
        refused.content.decode()
    )

    # An institution account cannot open the form (snippets are staff's).
    poster = User.objects.create_user("poster", "poster@ox.example", "pw")
    InstitutionMembership.objects.create(user=poster, institution=oxford)
    client.force_login(poster)
    assert client.get(url).status_code == 404


def test_a_retry_tells_only_the_contacts_not_told_yet(
    oxford, job_index, settings, django_capture_on_commit_callbacks
):
    from notifications.institution_notices import TransientSendError, send_notices

    oxford.notices_email = "a@ox.example, b@ox.example"
    oxford.save()
    job = JobPostingPageFactory(parent=job_index, institution=oxford, live=False)
    with django_capture_on_commit_callbacks(execute=False):
        job.save_revision().publish()
    notice = InstitutionNotice.objects.get()
    with smtp_server() as (handler, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        handler.refuse_always = {"b@ox.example"}  # 451 at DATA
        with pytest.raises(TransientSendError):
            send_notices([notice.pk])
        notice.refresh_from_db()
        assert notice.status == "pending" and notice.recipients == "b@ox.example"
        handler.refuse_always = set()
        assert send_notices([notice.pk]) == 1
    assert sorted(rcpt for rcpt, _ in handler.accepted) == ["a@ox.example", "b@ox.example"]


def test_notices_go_through_the_throttled_send_path(
    oxford, job_index, settings, django_capture_on_commit_callbacks
):
    """The digests' send path: a provider's budget paces its contacts, and a provider that
    answers 421 is left for the retry while the others are told."""
    import time

    from notifications.institution_notices import TransientSendError, send_notices

    oxford.notices_email = "a@ox.example, b@ox.example, c@ox.example, d@slow.example"
    oxford.save()
    settings.NOTIFICATIONS_DOMAIN_THROTTLES = {
        "oxford": {"per_second": 4, "domains": ["ox.example"]}
    }
    settings.NOTIFICATIONS_DOMAIN_DEFAULT_RATE = 0
    job = JobPostingPageFactory(parent=job_index, institution=oxford, live=False)
    with django_capture_on_commit_callbacks(execute=False):
        job.save_revision().publish()
    notice = InstitutionNotice.objects.get()
    with smtp_server() as (handler, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        handler.defer_domains = {"slow.example": 1}
        started = time.monotonic()
        with pytest.raises(TransientSendError, match=r"Deferred by slow\.example"):
            send_notices([notice.pk])
        took = time.monotonic() - started
        # Three contacts at a provider of 4 a second: 0.25 s apart, at least 0.5 s in all.
        assert took >= 0.5, took
        assert sorted(rcpt for rcpt, _ in handler.accepted) == [
            "a@ox.example",
            "b@ox.example",
            "c@ox.example",
        ]
        notice.refresh_from_db()
        assert (notice.status, notice.recipients) == ("pending", "d@slow.example")
        assert send_notices([notice.pk]) == 1  # the retry
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert [rcpt for rcpt, _ in handler.accepted][-1] == "d@slow.example"


def test_recording_costs_the_same_statements_however_many_institutions(db):
    """Who is told (members' addresses) is read for all institutions at once, not per one."""

    def statements(n: int, start: int) -> int:
        notices = []
        for i in range(start, start + n):
            institution = InstitutionFactory(slug=f"uni-{i}", notices_email="")
            for who in ("a", "b"):
                user = User.objects.create_user(f"{who}{i}", f"{who}{i}@uni.example", "pw")
                InstitutionMembership.objects.create(user=user, institution=institution)
            notices.append(
                Notice(kind=NoticeKind.PUBLISHED, key=f"t:{i}", institution_id=institution.pk)
            )
        with CaptureQueriesContext(connection) as queries:
            assert len(record(notices)) == n
        return len(queries)

    assert statements(1, 0) == statements(6, 100)
    told = InstitutionNotice.objects.get(key="t:100")
    assert told.recipients == "a100@uni.example\nb100@uni.example"
