"""Google's Indexing API: what to tell it about a job's public page, and sending it. What
triggers it is cms/indexing.py, which subscribes to the content lifecycle
(content/lifecycle.py) when GOOGLE_INDEXING_CREDENTIALS_FILE is set (off by default).

A job published or changed is `URL_UPDATED`; a job unpublished, expired (closed), deleted or
made private is `URL_DELETED`. Each becomes an `IndexingNotification` row written in the
publishing transaction (so a rolled-back change tells Google nothing); a later event for the
same URL replaces a pending one (Google only needs the last word). A Celery task
(cms/tasks.py) sends pending rows after commit, up to 100 per HTTP call in Google's batch
format, and no more than GOOGLE_INDEXING_DAILY_QUOTA per UTC day (the sent rows of the day
are the count): the rest waits for the next day, picked up by the beat sweep.

The batch format (developers.google.com/search/apis/indexing-api/v3/using-api#batching):
a `multipart/mixed` POST to {endpoint}/batch whose parts are `application/http` requests
`POST /v3/urlNotifications:publish` with a JSON body {"url", "type"}; the answer is
`multipart/mixed` too, one HTTP response per part, matched by Content-ID.
"""

import email.parser
import email.policy
import json
import logging
import secrets
import threading
from datetime import UTC, datetime, time

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cms.models import IndexingNotification
from content.lifecycle import Kind
from content.models import JobPostingPage
from content.public_urls import page_url
from content.visibility import is_visible

logger = logging.getLogger(__name__)

SCOPE = "https://www.googleapis.com/auth/indexing"
PUBLISH_PATH = "/v3/urlNotifications:publish"
MAX_BATCH = 100  # Google's limit of requests in one batch call
# Answers of a part (or of the whole call) that a later attempt may turn into a success.
RETRYABLE = {408, 429, 500, 502, 503, 504}


class RetryableIndexingError(Exception):
    pass


def enabled() -> bool:
    return bool(settings.GOOGLE_INDEXING_CREDENTIALS_FILE)


# --- The subscriber: which URL, which notification.


def notification_type(page, kind: Kind) -> str | None:
    if not issubclass(page.specific_class or type(page), JobPostingPage):
        return None
    if kind in (Kind.PUBLISHED, Kind.MOVED):
        # Published (or moved) where the public cannot see it (a private section): nothing
        # to tell about the new URL.
        return IndexingNotification.Type.UPDATED if is_visible(page) else None
    # A view restriction set or lifted (on it, above it or on media it shows): the one
    # visibility rule says whether the public sees it now.
    if kind is Kind.PRIVACY and is_visible(page):
        return IndexingNotification.Type.UPDATED
    return IndexingNotification.Type.DELETED  # unpublished, expired, deleted, made private


def queue(pages, kind: Kind, before=lambda page: None) -> list[IndexingNotification]:
    """Record what to tell Google about `pages` (the sending task runs after commit);
    `before(page)`: the page as it was before a move, whose old URL is gone."""
    wanted = {}
    for page in pages:
        old = before(page)
        old_url = old is not None and notification_type(page, Kind.DELETED) and page_url(old)
        if old_url:
            wanted[old_url] = (IndexingNotification.Type.DELETED, page.pk)
        kind_of_notice = notification_type(page, kind)
        url = kind_of_notice and page_url(page)
        if url:
            wanted[url] = (kind_of_notice, page.pk)
    if not wanted:
        return []
    # Google needs only the last word about a URL: a pending notice gives way to the new one.
    IndexingNotification.objects.filter(
        url__in=list(wanted), status=IndexingNotification.Status.PENDING
    ).delete()
    return IndexingNotification.objects.bulk_create(
        IndexingNotification(url=url, type=type_, page_id=page_id)
        for url, (type_, page_id) in wanted.items()
    )


# --- Sending.

_credentials = None
_credentials_lock = threading.Lock()


def access_token() -> str:
    """A Bearer token for the service account, refreshed by google-auth when it expires."""
    global _credentials
    from google.auth.transport.requests import Request
    from google.oauth2 import service_account

    with _credentials_lock:
        if _credentials is None:
            _credentials = service_account.Credentials.from_service_account_file(
                settings.GOOGLE_INDEXING_CREDENTIALS_FILE, scopes=[SCOPE]
            )
        if not _credentials.valid:
            _credentials.refresh(Request())
        return _credentials.token


def sent_today() -> int:
    """Notifications Google has had since midnight UTC: what counts against its daily quota."""
    midnight = datetime.combine(timezone.now().astimezone(UTC).date(), time.min, tzinfo=UTC)
    return IndexingNotification.objects.filter(sent_at__gte=midnight).count()


def batch_body(notifications, boundary: str) -> bytes:
    parts = []
    for notice in notifications:
        body = json.dumps({"url": notice.url, "type": notice.type})
        parts.append(
            f"--{boundary}\r\n"
            "Content-Type: application/http\r\n"
            "Content-Transfer-Encoding: binary\r\n"
            f"Content-ID: <{notice.pk}>\r\n"
            "\r\n"
            f"POST {PUBLISH_PATH}\r\n"
            "Content-Type: application/json\r\n"
            "Accept: application/json\r\n"
            f"Content-Length: {len(body.encode())}\r\n"
            "\r\n"
            f"{body}\r\n"
        )
    return ("".join(parts) + f"--{boundary}--\r\n").encode()


def parse_batch_response(content_type: str, body: bytes) -> dict[int, tuple[int, str]]:
    """{notification id: (status, body)} from Google's multipart answer; parts it does not
    name are missing (the caller keeps them pending)."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    results = {}
    if not message.is_multipart():
        return results
    for part in message.iter_parts():
        content_id = (part.get("Content-ID") or "").strip("<> ")
        notice_id = content_id.removeprefix("response-")
        payload = part.get_payload(decode=True) or b""
        status_line, _, rest = payload.partition(b"\r\n")
        try:
            status = int(status_line.split()[1])
            text = rest.partition(b"\r\n\r\n")[2].decode(errors="replace")
            results[int(notice_id)] = (status, text)
        except (IndexError, ValueError):
            continue
    return results


def post_batch(notifications, token: str) -> dict[int, tuple[int, str]]:
    boundary = "batch_" + secrets.token_hex(16)
    try:
        response = requests.post(
            settings.GOOGLE_INDEXING_ENDPOINT.rstrip("/") + "/batch",
            data=batch_body(notifications, boundary),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": f'multipart/mixed; boundary="{boundary}"',
            },
            timeout=settings.GOOGLE_INDEXING_TIMEOUT,
        )
    except requests.RequestException as error:
        raise RetryableIndexingError(str(error)) from error
    if response.status_code == 400:
        # The whole call refused as malformed: every part gets that answer, retrying cannot help.
        return {n.pk: (response.status_code, response.text[:1000]) for n in notifications}
    if response.status_code != 200:
        # Overloaded, or the token or the account's rights (401, 403): the rows stay pending,
        # for Celery's retries and then the sweep, once the setting is put right.
        logger.error("Google Indexing API answered %s: %s", response.status_code, response.text)
        raise RetryableIndexingError(f"batch answered {response.status_code}")
    return parse_batch_response(response.headers.get("Content-Type", ""), response.content)


def send_batch() -> bool:
    """Send one batch of pending notifications within the day's quota. Returns whether more
    could be sent now; raises RetryableIndexingError (after recording what did go through)
    when a later attempt may succeed."""
    if not enabled():
        return False
    room = min(MAX_BATCH, settings.GOOGLE_INDEXING_DAILY_QUOTA - sent_today())
    if room <= 0:
        return False  # the rest waits for tomorrow (the beat sweep)
    retry = None
    with transaction.atomic():
        # Locked so that two workers never send the same rows (skip: the other one has them).
        batch = list(
            IndexingNotification.objects.select_for_update(skip_locked=True)
            .filter(status=IndexingNotification.Status.PENDING)
            .order_by("pk")[:room]
        )
        if not batch:
            return False
        try:
            results = post_batch(batch, access_token())
        except RetryableIndexingError as error:
            results, retry = {}, error
        now = timezone.now()
        for notice in batch:
            if notice.pk not in results:
                continue
            status, text = results[notice.pk]
            if status in RETRYABLE:
                retry = retry or RetryableIndexingError(f"{notice.url}: {status}")
                notice.last_error = text[:1000]
                notice.save(update_fields=["last_error"])
                continue
            notice.status = (
                IndexingNotification.Status.SENT
                if 200 <= status < 300
                else IndexingNotification.Status.FAILED
            )
            if notice.status == IndexingNotification.Status.FAILED:
                logger.warning("Google Indexing API refused %s: %s %s", notice.url, status, text)
            notice.sent_at, notice.response_status, notice.last_error = now, status, text[:1000]
            notice.save(update_fields=["status", "sent_at", "response_status", "last_error"])
    if retry is not None:
        raise retry
    return IndexingNotification.objects.filter(status=IndexingNotification.Status.PENDING).exists()
