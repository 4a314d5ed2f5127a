"""Bounces and complaints, read and acted on: every one recorded as a `DeliveryEvent`
against its subscriber, and the address put on the suppression list
(notifications/suppression.py) when it must not be mailed again.

Where they come from:
- Plain SMTP. Every email's envelope sender is a VERP address on our sending domain,
  `bounces+<token>@NOTIFICATIONS_SENDING_DOMAIN` (`return_path`), so a delivery status
  notification (RFC 3464) comes back to the receiver (notifications/bounce_receiver.py,
  `manage.py receive_bounces`) addressed to the token. A token is `s<subscriber id>.<mac>`
  for a subscriber's email, or `r<mac>` for anyone else (an institution's contact: the
  report's recipient must then match the MAC); the MAC is a keyed hash, so nobody can
  suppress an address by sending us a made-up report. Feedback-loop complaints (ARF,
  RFC 5965) go to whatever address the mailbox provider's loop was registered with, routed
  to the same receiver; the original message they quote carries our Return-Path.
- An ESP through django-anymail: its normalised tracking events (bounced, complained,
  unsubscribed, rejected) arrive through anymail's own webhook views and `tracking` signal
  (`on_tracking_event`, connected in notifications/signals.py).

What happens: every source hands its outcome to `report` (the DSN receiver, the SMTP
server's answer at the send in notifications/sending.py, anymail's events), which classifies
it (`classify`, the one rule) and acts on it (`record`), so no source can differ:
- hard bounce (a permanent failure: a 5xx reply, a 5.x.x status; a DSN's "failed" with one;
  an ESP's "bounced" that is not soft), ESP "rejected": suppressed at once, the subscriber
  `bounced`;
- complaint (ARF Feedback-Type: abuse; anymail "complained"), ESP "unsubscribed":
  suppressed at once, the subscriber `unsubscribed`;
- soft bounce (a temporary failure: a 4xx reply or 4.x.x status, a DSN's "delayed", anymail's
  "deferred", an ESP's "bounced" its ESP calls soft or transient, e.g. Postmark's
  SoftBounce): recorded; suppressed once NOTIFICATIONS_SOFT_BOUNCE_LIMIT of them arrive
  within NOTIFICATIONS_SOFT_BOUNCE_WINDOW_DAYS. An SMTP 421 is the server's "not now" (it
  closes the connection), not news about the mailbox: no event (the batch is retried).
One email gives at most one event per source and `event_id` (the ESP's id; for SMTP, the
email's own), so a retried batch meeting the same 4xx again counts once.
"""

import datetime as dt
import email
import email.policy
import hmac
import logging
import re
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from notifications import suppression
from notifications.models import DeliveryEvent, Subscriber

logger = logging.getLogger(__name__)

Kind = DeliveryEvent.Kind

# --- the VERP return path ---------------------------------------------------------------------


def _mac(value: str) -> str:
    return salted_hmac("notifications.bounces.verp", value, algorithm="sha256").hexdigest()[:16]


def verp_enabled() -> bool:
    """VERP on plain SMTP only: an ESP (anymail) sets its own return path and reports
    bounces through its webhooks."""
    return bool(settings.NOTIFICATIONS_BOUNCE_LOCAL_PART) and not settings.EMAIL_BACKEND.startswith(
        "anymail."
    )


def return_path(to: str, subscriber_id: int | None = None) -> str:
    """The envelope sender for an email to `to` (a subscriber's when `subscriber_id`); ""
    when VERP is off."""
    if not verp_enabled():
        return ""
    if subscriber_id:
        token = f"s{subscriber_id}.{_mac(f's{subscriber_id}')}"
    else:
        token = f"r{_mac(suppression.key(to))}"
    local, domain = settings.NOTIFICATIONS_BOUNCE_LOCAL_PART, settings.NOTIFICATIONS_SENDING_DOMAIN
    return f"{local}+{token}@{domain}"


@dataclass(frozen=True)
class Token:
    subscriber_id: int | None = None  # a subscriber's email
    recipient_mac: str = ""  # anyone else's: the report's recipient must match

    def names(self, address: str) -> bool:
        return bool(self.recipient_mac) and hmac.compare_digest(
            self.recipient_mac, _mac(suppression.key(address))
        )


_TOKEN = re.compile(r"\+(?:s(\d+)\.([0-9a-f]{16})|r([0-9a-f]{16}))@", re.IGNORECASE)


def read_token(address: str) -> Token | None:
    """The token of one of our return paths, if its MAC is right."""
    match = _TOKEN.search(address or "")
    if not match:
        return None
    subscriber_id, mac, recipient_mac = match.groups()
    if subscriber_id and hmac.compare_digest(mac.lower(), _mac(f"s{subscriber_id}")):
        return Token(subscriber_id=int(subscriber_id))
    if recipient_mac:
        return Token(recipient_mac=recipient_mac.lower())
    return None


# --- reading reports --------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """One recipient's outcome in a DSN, or one complaint in an ARF report."""

    outcome: str  # an Outcome, for `classify`
    recipient: str  # the address the report names ("" if none)
    status: str = ""
    detail: str = ""
    token: Token | None = None  # from the quoted original's Return-Path (ARF)


def _address(field: str | None) -> str:
    """`rfc822; ann@example.org` (RFC 3464 / 5965 address fields) -> the address."""
    value = str(field or "").strip()
    if ";" in value:
        value = value.split(";", 1)[1]
    return value.strip().strip("<>").strip()


def _one_line(value) -> str:
    return " ".join(str(value or "").split())[:300]


def parse_report(raw: bytes) -> list[Report]:
    """The outcomes a DSN (multipart/report; report-type=delivery-status) or an ARF report
    (report-type=feedback-report) tells; [] for any other message (an auto-reply, spam)."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    if message.get_content_type() != "multipart/report":
        return []
    report_type = (message.get_param("report-type") or "").lower()
    parts = message.get_payload()
    if not isinstance(parts, list):
        return []
    if report_type == "delivery-status":
        return _dsn(parts)
    if report_type == "feedback-report":
        return _arf(parts)
    return []


def _dsn(parts) -> list[Report]:
    reports = []
    for part in parts:
        if part.get_content_type() != "message/delivery-status":
            continue
        # The email package reads the per-message block and each per-recipient block as
        # header blocks of their own.
        for block in part.get_payload()[1:]:
            action = str(block.get("Action", "")).strip().lower()
            status = str(block.get("Status", "")).strip().split(" ")[0]
            if action not in (Outcome.FAILED, Outcome.DELAYED):
                continue  # delivered, relayed, expanded
            recipient = _address(block.get("Original-Recipient")) or _address(
                block.get("Final-Recipient")
            )
            reports.append(
                Report(
                    action,
                    recipient,
                    status,
                    _one_line(block.get("Diagnostic-Code") or f"Action: {action}"),
                )
            )
    return reports


def _arf(parts) -> list[Report]:
    feedback, original = None, None
    for part in parts:
        content_type = part.get_content_type()
        if content_type == "message/feedback-report":
            feedback = _fields(part)
        elif content_type in ("message/rfc822", "text/rfc822-headers"):
            original = _fields(part)
    if feedback is None:
        return []
    feedback_type = str(feedback.get("Feedback-Type", "")).strip().lower()
    if feedback_type not in ("abuse", "fraud", "virus"):
        return []  # not-spam and other: no complaint
    recipient = _address(feedback.get("Original-Rcpt-To"))
    token = None
    if original is not None:
        recipient = recipient or _address(original.get("To"))
        token = read_token(_address(original.get("Return-Path")))
    return [Report(Outcome.COMPLAINT, recipient, "", f"Feedback-Type: {feedback_type}", token)]


def _fields(part) -> email.message.Message:
    """The header fields of a report part: a message/* part is parsed by the email package
    into a message, a text/* one is text."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return payload[0]
    text = payload if isinstance(payload, str) else ""
    if part.get("Content-Transfer-Encoding", "").lower() in ("base64", "quoted-printable"):
        text = part.get_payload(decode=True).decode("utf-8", "replace")
    return email.message_from_string(text, policy=email.policy.compat32)


def handle_message(raw: bytes, rcpt_tos: list[str], source: str = "") -> list[DeliveryEvent]:
    """What the bounce receiver does with one message to `rcpt_tos`: read it, and record
    each outcome against the subscriber or address our token names."""
    recorded = []
    tokens = [token for token in map(read_token, rcpt_tos) if token is not None]
    for report in parse_report(raw):
        token = report.token or (tokens[0] if tokens else None)
        kind_source = source or ("arf" if report.outcome == Outcome.COMPLAINT else "dsn")
        event = None
        if token is not None and token.subscriber_id:
            subscriber = Subscriber.objects.filter(pk=token.subscriber_id).first()
            event = report_outcome(
                report.outcome,
                subscriber=subscriber,
                address=report.recipient,
                source=kind_source,
                status=report.status,
                detail=report.detail,
            )
        elif token is not None and report.recipient and token.names(report.recipient):
            event = report_outcome(
                report.outcome,
                address=report.recipient,
                source=kind_source,
                status=report.status,
                detail=report.detail,
            )
        else:
            logger.info("A %s report without a token of ours; ignored.", report.outcome)
        if event is not None:
            recorded.append(event)
    return recorded


# --- classifying and acting on an outcome -----------------------------------------------------


class Outcome:
    """What a source says became of an email, before `classify` names its kind."""

    FAILED = "failed"  # given up on (a DSN's "failed", an SMTP refusal, an ESP's "bounced")
    DELAYED = "delayed"  # not delivered yet, tried again (a DSN's "delayed", ESP "deferred")
    COMPLAINT = "complaint"
    UNSUBSCRIBED = "unsubscribed"  # at the ESP
    REJECTED = "rejected"  # the ESP refused to send it


_STATUS = re.compile(r"(?<![\d.])([245])\.\d{1,3}\.\d{1,3}(?![\d.])")
_REPLY_CODE = re.compile(r"(?<![\d.])([245]\d\d)(?![\d.])")


def status_of(text: str) -> str:
    """The status an SMTP reply or an MTA's diagnostic gives: its enhanced status code
    (RFC 3463, "5.1.1") if it has one, else its reply code ("550"); "" if neither."""
    text = str(text or "")
    match = _STATUS.search(text) or _REPLY_CODE.search(text)
    return match.group(0) if match else ""


def classify(outcome: str, status: str = "", *, soft: bool = False) -> str | None:
    """The one rule for every source: the DeliveryEvent.Kind of an outcome, or None when it
    says nothing about the address. `status` is an enhanced status code or an SMTP reply
    code ("" if unknown); `soft`: the source itself says the failure was temporary (an
    ESP's soft bounce)."""
    if outcome in (Outcome.COMPLAINT, Outcome.UNSUBSCRIBED, Outcome.REJECTED):
        return {
            Outcome.COMPLAINT: Kind.COMPLAINT,
            Outcome.UNSUBSCRIBED: Kind.UNSUBSCRIBED,
            Outcome.REJECTED: Kind.REJECTED,
        }[outcome]
    if outcome not in (Outcome.FAILED, Outcome.DELAYED):
        return None
    if status == "421":  # the server's "not now" for the whole connection
        return None
    if outcome == Outcome.DELAYED or soft or status.startswith("4"):
        return Kind.SOFT_BOUNCE
    return Kind.HARD_BOUNCE


def report_outcome(
    outcome: str,
    *,
    status: str = "",
    soft: bool = False,
    subscriber: Subscriber | None = None,
    address: str = "",
    source: str,
    detail: str = "",
    event_id: str = "",
    when: dt.datetime | None = None,
) -> DeliveryEvent | None:
    """What every source calls: classify the outcome (`classify`) and act on it
    (`record`). Returns the event, or None when nothing was recorded."""
    kind = classify(outcome, status, soft=soft)
    if kind is None:
        return None
    return record(
        kind,
        subscriber=subscriber,
        address=address,
        source=source,
        status=status,
        detail=detail,
        event_id=event_id,
        when=when,
    )


_SUPPRESS_AT_ONCE = {
    Kind.HARD_BOUNCE: suppression.Reason.HARD_BOUNCE,
    Kind.REJECTED: suppression.Reason.HARD_BOUNCE,
    Kind.COMPLAINT: suppression.Reason.COMPLAINT,
    Kind.UNSUBSCRIBED: suppression.Reason.UNSUBSCRIBED,
}


def record(
    kind: str,
    *,
    subscriber: Subscriber | None = None,
    address: str = "",
    source: str,
    status: str = "",
    detail: str = "",
    event_id: str = "",
    when: dt.datetime | None = None,
) -> DeliveryEvent | None:
    """Record one classified outcome for `subscriber` (or, without one, for `address`, and
    its subscriber if there is one) and act on it: suppress at once, or a soft bounce past
    the threshold. Returns the event, or None when there is no
    address to record it for or `event_id` from `source` was recorded before (a webhook
    delivered twice)."""
    reported = address.strip()
    if subscriber is None and reported:
        subscriber = Subscriber.objects.filter(email__iexact=reported).first()
    address = subscriber.email if subscriber is not None else reported
    if not address:
        return None
    key = suppression.key(address)
    # Events and entries outlive an erased subscriber: they never name the address.
    for named in {address, reported}:
        detail = suppression.without_address(detail, named)
    detail = _one_line(detail)
    try:
        with transaction.atomic():
            event = DeliveryEvent.objects.create(
                kind=kind,
                subscriber=subscriber,
                key=key,
                source=source[:40],
                status=status[:16],
                detail=detail,
                event_id=event_id[:120],
                created_at=when or timezone.now(),
            )
    except IntegrityError:
        return None
    reason = _SUPPRESS_AT_ONCE.get(kind)
    if (
        reason is None
        and kind == Kind.SOFT_BOUNCE
        and _soft_bounces(key) >= max(1, settings.NOTIFICATIONS_SOFT_BOUNCE_LIMIT)
    ):
        reason = suppression.Reason.SOFT_BOUNCES
    if reason is not None:
        suppression.suppress_key(key, reason, source, f"{status} {detail}".strip())
        if subscriber is not None:
            _stop(subscriber, kind, f"{status} {detail}".strip())
    return event


def _soft_bounces(key: str) -> int:
    since = timezone.now() - dt.timedelta(days=settings.NOTIFICATIONS_SOFT_BOUNCE_WINDOW_DAYS)
    return DeliveryEvent.objects.filter(
        key=key, kind=Kind.SOFT_BOUNCE, created_at__gte=since
    ).count()


def _stop(subscriber: Subscriber, kind: str, reason: str) -> None:
    """The subscriber's status says why mail stopped (the suppression list stops it)."""
    now = timezone.now()
    if kind in (Kind.COMPLAINT, Kind.UNSUBSCRIBED):
        Subscriber.objects.filter(pk=subscriber.pk).exclude(
            status=Subscriber.Status.UNSUBSCRIBED
        ).update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=now)
    else:
        Subscriber.objects.filter(pk=subscriber.pk).update(
            status=Subscriber.Status.BOUNCED, bounced_at=now, bounce_reason=reason[:300]
        )


# --- the SMTP server's answer at the send -------------------------------------------------------


def report_refusal(
    err: smtplib.SMTPRecipientsRefused,
    address: str,
    *,
    subscriber: Subscriber | None = None,
    email_id: str,
) -> int:
    """The receiving server refused `address` at RCPT (Django's SMTP backend raises
    smtplib's SMTPRecipientsRefused): reported as any other failure (a 5xx is a hard
    bounce, a 4xx a soft one, a 421 nothing). `email_id` names the email, so retrying it
    counts once. Returns the reply code."""
    code, reply = err.recipients.get(address, (550, b""))
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    report_outcome(
        Outcome.FAILED,
        status=str(code),
        subscriber=subscriber,
        address=address,
        source="smtp",
        detail=str(reply),
        event_id=email_id,
    )
    return code


# --- django-anymail's tracking events ---------------------------------------------------------

_ANYMAIL_OUTCOMES = {
    "bounced": Outcome.FAILED,
    "deferred": Outcome.DELAYED,
    "complained": Outcome.COMPLAINT,
    "unsubscribed": Outcome.UNSUBSCRIBED,
    "rejected": Outcome.REJECTED,
}

# anymail normalises a soft bounce to "bounced" for some ESPs; what their own event says.
_ESP_SOFT = {"softbounce", "soft_bounce", "soft_bounced", "transient"}


def _esp_says_soft(event) -> bool:
    """Whether the ESP called this "bounced" event soft (Postmark's Type SoftBounce,
    Brevo's and Mandrill's soft_bounce, MailerSend's soft_bounced, Amazon SES's bounceType
    Transient, Mailjet's hard_bounce false)."""
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    named = [raw.get("Type"), raw.get("event"), raw.get("type"), raw.get("bounceType")]
    named.append(str(event.description or "").split(":")[0])
    if isinstance(raw.get("bounce"), dict):
        named.append(raw["bounce"].get("bounceType"))
    if raw.get("hard_bounce") is False:
        return True
    return any(str(name or "").strip().lower() in _ESP_SOFT for name in named)


def on_tracking_event(sender, event, esp_name, **kwargs):
    """anymail's `tracking` signal (its webhook views verified the call with their basic
    auth first): bounced, deferred, complained, unsubscribed and rejected events go to
    `report_outcome`; the rest (sent, delivered, opened, ...) are not ours to keep."""
    outcome = _ANYMAIL_OUTCOMES.get(event.event_type)
    if outcome is None or not event.recipient:
        return
    detail = event.description or event.mta_response or event.reject_reason or ""
    report_outcome(
        outcome,
        status=status_of(event.mta_response or ""),
        soft=outcome == Outcome.FAILED and _esp_says_soft(event),
        address=event.recipient,
        source=f"anymail:{esp_name.lower()}"[:40],
        detail=str(detail),
        event_id=str(event.event_id or ""),
        when=event.timestamp,
    )
