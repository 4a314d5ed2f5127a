"""Lifecycle notices to an institution's contacts: a posting went live, needs changes, closes
in 3 days, closed; a feed run failed or the feed was paused.

One path for each fact, and nothing told twice:

    content.lifecycle.content_changed ─┬─ PUBLISHED (any source) ─────────► "published"
                                       ├─ EXPIRED (any source) ───────────► "closed"
                                       └─ UNPUBLISHED by its feed ────────► "closed"
    Wagtail's task_rejected (moderation) ────────────────────────────────► "changes_requested"
    beat: notifications.tasks.send_closing_soon_notices ──────────────────► "closing_soon"
    content.imports.feeds.feed_failed ─┬─ first failure in a row ─────────► "feed_failed"
                                       └─ the failure that paused it ─────► "feed_paused"
                                                    │
                     InstitutionNotice rows (the ledger, unique `key`), written in the
                     transaction of the event; after commit, one Celery task
                     (tasks.send_institution_notices) sends the pending ones.

The ledger's key is the fact: "published:<posting>" (the first go-live only: a republish,
a new live version, a re-import finds the key and tells no one), "closing_soon:<posting>",
"closed:<posting>", "changes_requested:<task state>" (each rejection is a fact of its own),
"feed_failed:<run>", "feed_paused:<run>". A notice switched off by the institution, or with
no one to tell, is still written (status OFF or NO_RECIPIENTS), so switching it on later does
not send an old fact.

Who is told is `Institution.notice_addresses()` (the institution's notices addresses, else
its accounts' addresses; for feeds, the feed's owner too) minus the addresses on the
suppression list (notifications/suppression.py: bounced, complained, suppressed by staff).
The emails are the digests' (notifications/email.py branding and chrome,
notifications/mime.py, the configured backend), sent through the digests' one send path
(notifications/sending.py `send_throttled`: each receiving provider within its budget, one
that defers left for the retry while the others go on); transactional, so no
List-Unsubscribe, but a link to the institution's switches.
"""

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.models import TaskState

from content.lifecycle import ContentChanged, Kind, Source
from content.models import Institution, InstitutionMembership, JobPostingPage
from content.visibility import open_jobs
from notifications import bounces, suppression
from notifications.bounces import return_path
from notifications.email import email_chrome, load_branding
from notifications.mime import Email
from notifications.models import DeliveryEvent, InstitutionNotice, SentEmails
from notifications.sending import ProviderDeferred, record_sent, send, send_throttled

logger = logging.getLogger(__name__)

NoticeKind = InstitutionNotice.Kind
Status = InstitutionNotice.Status

# Each kind's switch on the institution.
SWITCHES = {
    NoticeKind.PUBLISHED: "notify_published",
    NoticeKind.CHANGES_REQUESTED: "notify_changes_requested",
    NoticeKind.CLOSING_SOON: "notify_closing_soon",
    NoticeKind.CLOSED: "notify_closed",
    NoticeKind.FEED_FAILED: "notify_feed_problems",
    NoticeKind.FEED_PAUSED: "notify_feed_problems",
}

CLOSING_SOON_DAYS = 3


class TransientSendError(Exception):
    """The mail server or the network said "not now"; the task is retried."""


# --- Recording: in the event's transaction -------------------------------------------------


@dataclass
class Notice:
    kind: str
    key: str
    institution_id: int
    page_id: int | None = None
    details: dict = field(default_factory=dict)
    also_tell: tuple[str, ...] = ()


def record(notices: list[Notice]) -> list[int]:
    """Write the notices not in the ledger yet; return the ids of those to send (the caller
    sends them after commit: notifications/signals.py, notifications/tasks.py)."""
    if not notices:
        return []
    unique = {notice.key: notice for notice in notices}
    known = set(
        InstitutionNotice.objects.filter(key__in=list(unique)).values_list("key", flat=True)
    )
    fresh = [notice for key, notice in unique.items() if key not in known]
    if not fresh:
        return []
    members = Prefetch("memberships", InstitutionMembership.objects.select_related("user"))
    institutions = Institution.objects.prefetch_related(members).in_bulk(
        {notice.institution_id for notice in fresh}
    )
    addresses: dict[int, list[str]] = {}
    rows = []
    for notice in fresh:
        institution = institutions[notice.institution_id]
        if institution.pk not in addresses:
            addresses[institution.pk] = institution.notice_addresses()
        recipients = sorted({*addresses[institution.pk], *filter(None, notice.also_tell)})
        if not getattr(institution, SWITCHES[notice.kind]):
            status = Status.OFF
        elif not recipients:
            status = Status.NO_RECIPIENTS
        else:
            status = Status.PENDING
        rows.append(
            InstitutionNotice(
                key=notice.key,
                kind=notice.kind,
                institution=institution,
                page_id=notice.page_id,
                details=notice.details,
                status=status,
                recipients="\n".join(recipients),
            )
        )
    # A concurrent writer of the same fact wins; its row is the one sent (once: see _claim).
    InstitutionNotice.objects.bulk_create(rows, ignore_conflicts=True)
    pending = [row.key for row in rows if row.status == Status.PENDING]
    if not pending:
        return []
    return list(
        InstitutionNotice.objects.filter(key__in=pending, status=Status.PENDING).values_list(
            "pk", flat=True
        )
    )


def _posting_details(page: JobPostingPage, **extra) -> dict:
    return {
        "title": " ".join(page.title.split()),
        "slug": page.slug,
        "closing_date": page.closing_date.isoformat() if page.closing_date else "",
        **extra,
    }


# --- The lifecycle: went live, closed ------------------------------------------------------


def for_event(event: ContentChanged) -> list[Notice]:
    if event.kind == Kind.PUBLISHED:
        kind = NoticeKind.PUBLISHED
    elif event.kind == Kind.EXPIRED or (
        event.kind == Kind.UNPUBLISHED and event.source == Source.FEED
    ):
        kind = NoticeKind.CLOSED
    else:
        return []
    reason = "feed" if event.kind == Kind.UNPUBLISHED else "expired"
    return [
        Notice(
            kind=kind,
            key=f"{kind}:{page.pk}",
            institution_id=page.institution_id,
            page_id=page.pk,
            details=_posting_details(page, reason=reason),
        )
        for page in event.pages
        if isinstance(page, JobPostingPage)
    ]


# --- Moderation: needs changes, with the reviewer's comment --------------------------------


def for_rejection(state: TaskState, user=None) -> list[Notice]:
    """Wagtail's `task_rejected` is sent with the rejected task state (its `comment` is the
    reviewer's), in the rejecting transaction."""
    if not isinstance(state, TaskState):
        return []
    page = state.workflow_state.content_object
    page = getattr(page, "specific", page)
    if not isinstance(page, JobPostingPage):
        return []
    draft = state.revision.as_object() if state.revision_id else page
    reviewer = (user.get_full_name() or user.get_username()) if user is not None else ""
    return [
        Notice(
            kind=NoticeKind.CHANGES_REQUESTED,
            key=f"{NoticeKind.CHANGES_REQUESTED}:{state.pk}",
            institution_id=draft.institution_id or page.institution_id,
            page_id=page.pk,
            details=_posting_details(draft, comment=state.comment, reviewer=reviewer),
        )
    ]


# --- Feeds: a run failed (the first in a row), the feed was paused -------------------------


def for_feed_failure(feed, run, paused: bool) -> list[Notice]:
    if paused:
        kind = NoticeKind.FEED_PAUSED
    elif feed.consecutive_failures == 1:
        kind = NoticeKind.FEED_FAILED
    else:  # told at the first failure; the next news is the pause
        return []
    owner_email = feed.owner.email if feed.owner_id and feed.owner.email else ""
    return [
        Notice(
            kind=kind,
            key=f"{kind}:{run.pk}",
            institution_id=feed.institution_id,
            details={
                "feed": feed.name,
                "url": feed.url,
                "error": run.error,
                "paused_reason": feed.paused_reason if paused else "",
                "max_failures": settings.FEEDS_MAX_FAILURES,
            },
            also_tell=(owner_email,),
        )
    ]


# --- Closes in 3 days: the beat sweep ------------------------------------------------------


def record_closing_soon(today: dt.date | None = None) -> list[int]:
    """Public postings closing within CLOSING_SOON_DAYS that were not told yet. Run by beat;
    idempotent (the ledger's key), so any number of runs tells each posting once."""
    today = today or timezone.localdate()
    told = InstitutionNotice.objects.filter(
        kind=NoticeKind.CLOSING_SOON, page_id__isnull=False
    ).values("page_id")
    jobs = open_jobs(
        JobPostingPage.objects.filter(
            closing_date__gte=today,
            closing_date__lte=today + dt.timedelta(days=CLOSING_SOON_DAYS),
        )
    ).exclude(pk__in=told)
    notices = [
        Notice(
            kind=NoticeKind.CLOSING_SOON,
            key=f"{NoticeKind.CLOSING_SOON}:{job.pk}",
            institution_id=job.institution_id,
            page_id=job.pk,
            details=_posting_details(job),
        )
        for job in jobs.only("pk", "title", "slug", "closing_date", "institution_id")
    ]
    return record(notices)


# --- Sending: after commit, in a Celery task -----------------------------------------------


def _admin(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def switches_url(institution_id: int) -> str:
    return _admin(reverse("wagtailsnippets_content_institution:edit", args=[institution_id]))


def _posting_url(details: dict, page_id: int | None) -> str:
    return settings.NOTIFICATIONS_JOB_URL.format(slug=quote(details.get("slug", "")), id=page_id)


def _edit_url(page_id: int | None) -> str:
    return _admin(reverse("wagtailadmin_pages:edit", args=[page_id])) if page_id else ""


def _date(value: str) -> str:
    return dt.date.fromisoformat(value).strftime("%-d %B %Y") if value else ""


@dataclass(frozen=True)
class Item:
    title: str
    url: str
    lines: tuple[str, ...] = ()
    quote: str = ""  # a reviewer's comment, a feed's error: shown as given


def _item(notice: InstitutionNotice) -> Item:
    details, kind = notice.details, notice.kind
    if kind in (NoticeKind.FEED_FAILED, NoticeKind.FEED_PAUSED):
        return Item(
            title=details.get("feed", ""),
            url=details.get("url", ""),
            lines=(f"Feed address: {details.get('url', '')}",),
            quote=details.get("paused_reason") or details.get("error", ""),
        )
    closing = _date(details.get("closing_date", ""))
    title = details.get("title", "")
    if kind == NoticeKind.CHANGES_REQUESTED:
        reviewer = details.get("reviewer")
        return Item(
            title=title,
            url=_edit_url(notice.page_id),
            lines=(f"Reviewed by {reviewer}.",) if reviewer else (),
            quote=details.get("comment") or "(The reviewer left no comment.)",
        )
    if kind == NoticeKind.CLOSED:
        why = (
            "Its feed no longer lists it."
            if details.get("reason") == "feed"
            else f"Its closing date, {closing}, has passed."
        )
        return Item(title=title, url=_edit_url(notice.page_id), lines=(why,))
    return Item(
        title=title,
        url=_posting_url(details, notice.page_id),
        lines=(f"Applications close at the end of {closing}.",) if closing else (),
    )


# Per kind: the subject for one notice (formatted with its item) and for several, and the
# sentence above the list.
WORDING = {
    NoticeKind.PUBLISHED: (
        "Live now: {title}",
        "{count} postings went live",
        "Now live on {site}, where candidates can find and apply for it:",
    ),
    NoticeKind.CHANGES_REQUESTED: (
        "Changes requested: {title}",
        "Changes requested on {count} postings",
        "A reviewer asked for changes before this posting can go live. Edit it and submit it "
        "again:",
    ),
    NoticeKind.CLOSING_SOON: (
        "Closes in {days} days: {title}",
        "{count} postings close within {days} days",
        "Closing soon on {site}. To extend, change the closing date before then:",
    ),
    NoticeKind.CLOSED: (
        "Closed: {title}",
        "{count} postings closed",
        "No longer shown on {site}:",
    ),
    NoticeKind.FEED_FAILED: (
        "Job feed failed: {title}",
        "{count} job feed runs failed",
        "The last run of this job feed failed, and nothing was imported. It is tried again "
        "at its next run; after {max_failures} failures in a row the feed is paused.",
    ),
    NoticeKind.FEED_PAUSED: (
        "Job feed paused: {title}",
        "{count} job feeds paused",
        "This job feed has been paused after repeated failures. Fix the feed, then tick "
        "“active” again in the admin.",
    ),
}


def notice_email(to: str, institution: Institution, notices: list[InstitutionNotice], branding):
    kind = notices[0].kind
    items = [_item(notice) for notice in notices]
    one, several, intro = WORDING[kind]
    values = {
        "title": items[0].title,
        "count": len(items),
        "days": CLOSING_SOON_DAYS,
        "site": branding.site_name,
        "max_failures": notices[0].details.get("max_failures", settings.FEEDS_MAX_FAILURES),
    }
    subject = (one if len(items) == 1 else several).format(**values)
    context = {
        "branding": branding,
        "chrome": email_chrome(branding),
        "subject": subject,
        "intro": intro.format(**values),
        "items": items,
        "institution": institution.name,
        "switches_url": switches_url(institution.pk),
    }
    return Email(
        to=to,
        subject=subject,
        text=render_to_string("notifications/email/notice.txt", context),
        html=render_to_string("notifications/email/notice.html", context),
        headers={"Auto-Submitted": "auto-generated"},
        return_path=return_path(to),
    )


def _claim(ids) -> list[InstitutionNotice]:
    """Take the pending notices among `ids`, each by one sender only."""
    mine = [
        pk
        for pk in ids
        if InstitutionNotice.objects.filter(pk=pk, status=Status.PENDING).update(
            status=Status.SENDING
        )
    ]
    return list(InstitutionNotice.objects.filter(pk__in=mine).select_related("institution"))


def _back_to_pending(remaining, told) -> None:
    """The notices not settled go back to pending for the task's retry, without the contacts
    who already got their email in this attempt (no one is told twice)."""
    for group_key, notices in remaining.items():
        for notice in notices:
            left = [a for a in notice.recipients.split("\n") if a and a not in told[group_key]]
            InstitutionNotice.objects.filter(pk=notice.pk).update(
                status=Status.PENDING, recipients="\n".join(left)
            )


def send_notices(ids: list[int]) -> int:
    """Send the pending notices among `ids`: one email per contact for each institution and
    kind, through the digests' send path (notifications/sending.py: each receiving provider
    within its budget, NOTIFICATIONS_SEND_RATE). Returns the emails sent. A provider that
    says "not now" (4xx) gets nothing more in this attempt while the others go on; its
    notices go back to pending, without the contacts already told, and TransientSendError
    is raised (the task retries). A worker that dies mid-send leaves its notices SENDING:
    told at most once."""
    claimed = _claim(ids)
    if not claimed:
        return 0
    groups: dict[tuple[int, str], list[InstitutionNotice]] = defaultdict(list)
    for notice in sorted(claimed, key=lambda notice: notice.pk):
        groups[notice.institution_id, notice.kind].append(notice)
    branding = load_branding()
    suppressed = suppression.suppressed(
        {address for notice in claimed for address in notice.recipients.split("\n") if address}
    )
    recipients = {
        group_key: sorted(
            {
                address
                for notice in notices
                for address in notice.recipients.split("\n")
                if address and address not in suppressed
            }
        )
        for group_key, notices in groups.items()
    }
    skipped: dict[tuple[int, str], int] = {}
    for group_key, notices in groups.items():
        blocked = {
            address
            for notice in notices
            for address in notice.recipients.split("\n")
            if address in suppressed
        }
        skipped[group_key] = len(blocked)
        for address in sorted(blocked):  # not a silent no-op: recorded, once per notice
            bounces.record(
                DeliveryEvent.Kind.NOT_SENT,
                address=address,
                source="notice",
                detail=f"The {notices[0].get_kind_display().lower()} notice was not sent: "
                "the address is on the suppression list.",
                event_id=f"notice:{notices[0].pk}:{suppression.key(address)[:16]}",
            )
    told: dict[tuple[int, str], set[str]] = defaultdict(set)  # per group, this attempt
    refused: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)  # for good: why

    def send_one(item):
        group_key, address = item
        notices = groups[group_key]
        email = notice_email(address, notices[0].institution, notices, branding)
        try:
            send(connection, email)
        except smtplib.SMTPRecipientsRefused as err:
            # Classified as every bounce is: a 5xx suppresses the address.
            email_id = f"notice:{notices[0].pk}:{suppression.key(address)[:16]}"
            code = bounces.report_refusal(err, address, email_id=email_id)
            reply = err.recipients.get(address, (code, b""))[1]
            if 400 <= code < 500:
                raise ProviderDeferred(f"{code} {reply!r}") from err
            refused[group_key][address] = f"{address}: {code} {reply!r}"[:150]
            return
        except smtplib.SMTPSenderRefused:
            raise  # about us, not this recipient: the whole attempt
        except smtplib.SMTPResponseException as err:
            if 400 <= err.smtp_code < 500:  # this message, at its provider: later
                raise ProviderDeferred(str(err)) from err
            refused[group_key][address] = f"{address}: {err.smtp_code} {err.smtp_error!r}"[:150]
            return
        told[group_key].add(address)

    items = [
        (address, (group_key, address))
        for group_key, addresses in recipients.items()
        for address in addresses
    ]
    settled: set[tuple[int, str]] = set()
    connection = get_connection()
    try:
        connection.open()
        deferred = send_throttled(connection, items, send_one)
        for group_key, notices in groups.items():
            if any(
                address not in told[group_key] and address not in refused[group_key]
                for address in recipients[group_key]
            ):
                continue  # a contact's provider deferred it: back to pending below
            if not recipients[group_key]:
                status, error = Status.NO_RECIPIENTS, "every address is on the suppression list"
            else:
                status = Status.SENT if told[group_key] else Status.FAILED
                why = list(refused[group_key].values())
                if skipped[group_key]:
                    why.insert(0, f"{skipped[group_key]} on the suppression list, not told")
                error = "; ".join(why)[:300]
            InstitutionNotice.objects.filter(pk__in=[notice.pk for notice in notices]).update(
                status=status, sent_at=timezone.now(), error=error
            )
            settled.add(group_key)
        unsettled = {key: notices for key, notices in groups.items() if key not in settled}
        if unsettled:
            _back_to_pending(unsettled, told)
            raise TransientSendError(
                f"Deferred by {', '.join(sorted(deferred))}; their notices wait for the retry"
            )
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError) as err:
        _back_to_pending({k: v for k, v in groups.items() if k not in settled}, told)
        raise TransientSendError(f"Mail server unavailable: {err}") from err
    except smtplib.SMTPResponseException as err:  # the server refused us (MAIL FROM)
        unsettled = {k: v for k, v in groups.items() if k not in settled}
        if 400 <= err.smtp_code < 500:
            _back_to_pending(unsettled, told)
            raise TransientSendError(f"Mail server said not now: {err}") from err
        unsent = [notice.pk for notices in unsettled.values() for notice in notices]
        InstitutionNotice.objects.filter(pk__in=unsent).update(
            status=Status.FAILED, error=str(err)[:300]
        )
        logger.error("Institution notices %s refused: %s", unsent, err)
    finally:
        connection.close()
        sent = sum(len(addresses) for addresses in told.values())
        record_sent(SentEmails.Kind.NOTICE, sent)
    return sent
