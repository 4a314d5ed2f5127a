"""What subscribers can do: subscribe, confirm, read and change alerts, unsubscribe.

GraphQL resolvers and the link views call these; every write validates first and
writes nothing when the input is wrong."""

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from content.validators import validate_single_line
from notifications import criteria as alert_criteria
from notifications import privacy, suppression
from notifications.addresses import SubscriptionError, mailbox_key, normalise_email
from notifications.email import confirmation_message
from notifications.mime import SuppressedRecipient
from notifications.models import AlertKeyword, Frequency, JobAlert, Subscriber
from notifications.tokens import read_confirm_token, read_manage_token

logger = logging.getLogger(__name__)

MAX_ALERTS = 10
MAX_KEYWORDS = 10
MAX_KEYWORD_LENGTH = 60

SUBSCRIBE_MESSAGE = (
    "Thanks. If the address can receive alerts, an email is on its way with a link to confirm them."
)


@dataclass
class AlertSpec:
    """A validated alert, ready to save: `criteria` by filter name (notifications.criteria)."""

    frequency: str
    criteria: dict
    keywords: list[str] = field(default_factory=list)


def validate_alert(*, frequency, keywords=None, **filters) -> AlertSpec:
    """`filters`: the alert's job filters by name (content.job_search.ALERT_FILTERS)."""
    if frequency not in Frequency.values:
        raise SubscriptionError(f"frequency must be one of {', '.join(Frequency.values)}.")
    try:
        criteria = alert_criteria.validate(filters)
    except alert_criteria.CriteriaError as err:
        raise SubscriptionError(str(err)) from err
    words = [word.strip().lower() for word in keywords or [] if word.strip()]
    if len(words) > MAX_KEYWORDS:
        raise SubscriptionError(f"An alert takes at most {MAX_KEYWORDS} keywords.")
    if any(len(word) > MAX_KEYWORD_LENGTH for word in words):
        raise SubscriptionError(f"Keywords are limited to {MAX_KEYWORD_LENGTH} characters.")
    try:
        for word in words:
            validate_single_line(word)
    except ValidationError as err:
        raise SubscriptionError(f"Keywords: {err.messages[0]}") from err
    return AlertSpec(frequency=frequency, criteria=criteria, keywords=list(dict.fromkeys(words)))


def _save_alert(alert: JobAlert, spec: AlertSpec) -> JobAlert:
    alert.frequency = spec.frequency
    alert_criteria.set_columns(alert, spec.criteria)
    alert.save()
    alert_criteria.set_relations(alert, spec.criteria)
    alert.keyword_rows.all().delete()
    AlertKeyword.objects.bulk_create(AlertKeyword(alert=alert, keyword=w) for w in spec.keywords)
    return alert


# --- alert limits ---------------------------------------------------------------------------


def active_alert_count(subscriber: Subscriber) -> int:
    """Alerts that count towards MAX_ALERTS: confirmed ones. Unconfirmed alerts (anyone can
    ask for one at any address) never fill someone's quota, and expire
    (`expire_unconfirmed_alerts`)."""
    return subscriber.alerts.filter(active_since__isnull=False).count()


def ensure_room_for_an_alert(subscriber: Subscriber) -> None:
    """Checked whenever an alert becomes active: added, confirmed, or edited by token."""
    if active_alert_count(subscriber) >= MAX_ALERTS:
        raise SubscriptionError(f"A subscriber can have at most {MAX_ALERTS} alerts.")


def expire_unconfirmed_alerts(now=None) -> int:
    """Delete alerts left unconfirmed for NOTIFICATIONS_UNCONFIRMED_MAX_AGE_SECONDS, and
    subscribers who never confirmed and have no alert left. Returns the alerts deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.NOTIFICATIONS_UNCONFIRMED_MAX_AGE_SECONDS)
    with transaction.atomic():
        deleted, _ = JobAlert.objects.filter(
            active_since__isnull=True, created_at__lt=cutoff
        ).delete()
        Subscriber.objects.filter(
            status=Subscriber.Status.PENDING, created_at__lt=cutoff, alerts__isnull=True
        ).delete()
    return deleted


# --- rate limits ------------------------------------------------------------------------------


def _over(request, group: str, key, per_hour: int, scope: str = "signup") -> bool:
    """Count one attempt (django-ratelimit, in the default cache); True once over the limit.
    A limit of 0 or less is no limit."""
    if per_hour <= 0:
        return False
    return is_ratelimited(
        request,
        group=f"notifications.{scope}.{group}",
        key=key,
        rate=f"{per_hour}/h",
        increment=True,
    )


def within_rate_limits(request, email: str, scope: str = "signup") -> bool:
    """Both counters count every attempt; a limited attempt is answered like any other.
    Per address: the visitor's, as the frontend vouches for it (cms/visitor.py, through
    RATELIMIT_IP_META_KEY), else the peer's; per mailbox: every spelling of it. `scope`
    keeps other public forms' counters (institutions' account requests,
    content/employers/requests.py) apart from the alerts', at the same limits."""
    per_ip = _over(request, "ip", "ip", settings.NOTIFICATIONS_SIGNUPS_PER_IP_PER_HOUR, scope)
    per_mailbox = _over(
        request,
        "email",
        lambda group, request: mailbox_key(email),
        settings.NOTIFICATIONS_SIGNUPS_PER_EMAIL_PER_HOUR,
        scope,
    )
    return not (per_ip or per_mailbox)


# --- subscriber actions -----------------------------------------------------------------------


def subscribe(
    email: str, alert_input: dict, request, consent_method: str = Subscriber.ConsentMethod.API
) -> str:
    """Store the alert (inactive until confirmed) and send a confirmation email.

    The answer is the same whether the address is new, pending, confirmed or gone, so it
    tells nobody whether an address is subscribed, nor whether it was just used: over a
    rate limit, nothing is stored or sent and the answer is the same. A confirmed
    subscriber's new alert is also confirmed by email, so nobody can add alerts to someone
    else's address. The consent (NOTIFICATIONS_CONSENT_VERSION, `consent_method`) is recorded
    with the sign-up; confirming it sets `consented_at`."""
    email = normalise_email(email)
    spec = validate_alert(**alert_input)
    if not within_rate_limits(request, email):
        logger.info("Sign-up over the rate limit; nothing stored or sent.")
        return SUBSCRIBE_MESSAGE
    if suppression.is_suppressed(email):
        # Bounced, complained or suppressed by staff: the same answer, nothing stored or sent.
        logger.info("Sign-up for a suppressed address; nothing stored or sent.")
        return SUBSCRIBE_MESSAGE
    with transaction.atomic():
        subscriber = Subscriber.objects.filter(email__iexact=email).first()
        consent = {
            "consent_version": settings.NOTIFICATIONS_CONSENT_VERSION,
            "consent_method": consent_method,
        }
        if subscriber is None:
            subscriber = Subscriber.objects.create(
                email=email, consented_at=timezone.now(), **consent
            )
        elif active_alert_count(subscriber) >= MAX_ALERTS:
            # Same answer as success, and no email: the limit is not a disclosure either.
            return SUBSCRIBE_MESSAGE
        elif subscriber.status != Subscriber.Status.CONFIRMED:
            # Asking again (after an unsubscribe, or before confirming): this consent counts.
            Subscriber.objects.filter(pk=subscriber.pk).update(**consent)
        alert = _save_alert(JobAlert(subscriber=subscriber), spec)
    # Sent after the commit, from this request: the confirmation is the one email that
    # must go out even when no worker is running.
    try:
        confirmation_message(subscriber, alert).send(fail_silently=False)
    except SuppressedRecipient:
        # Suppressed since the check above: the same answer as anyone, and no email.
        return SUBSCRIBE_MESSAGE
    except (smtplib.SMTPException, OSError) as err:
        raise SubscriptionError(
            "The confirmation email could not be sent just now; please try again later."
        ) from err
    return SUBSCRIBE_MESSAGE


def _confirmable(token: str, *, lock: bool = False) -> tuple[Subscriber, JobAlert]:
    """The subscriber and alert a confirmation link names, if it may still confirm them.
    A link made before the address last unsubscribed is refused: an old email (or a
    scanner opening it) never undoes an unsubscribe."""
    link = read_confirm_token(token)
    subscribers = Subscriber.objects.select_for_update() if lock else Subscriber.objects
    subscriber = subscribers.filter(pk=link.subscriber_id).first()
    alert = JobAlert.objects.filter(pk=link.alert_id, subscriber_id=link.subscriber_id).first()
    if subscriber is None or alert is None:
        raise SubscriptionError("This alert no longer exists; please subscribe again.")
    issued_at = link.issued_at or alert.created_at
    if subscriber.unsubscribed_at is not None and issued_at < subscriber.unsubscribed_at:
        raise SubscriptionError(
            "You unsubscribed after this link was sent; subscribe again to get alerts."
        )
    return subscriber, alert


def read_confirm_link(token: str) -> Subscriber:
    """Check a confirmation link without confirming anything (what a GET of it shows)."""
    return _confirmable(token)[0]


def confirm(token: str) -> Subscriber:
    now = timezone.now()
    with transaction.atomic():
        subscriber, alert = _confirmable(token, lock=True)
        if alert.active_since is None:
            ensure_room_for_an_alert(subscriber)
            alert.active_since = now
            alert.save(update_fields=["active_since"])
        if subscriber.status != Subscriber.Status.CONFIRMED:
            # unsubscribed_at stays: links older than it must keep failing.
            subscriber.status = Subscriber.Status.CONFIRMED
            subscriber.confirmed_at = now
            subscriber.consented_at = now
            subscriber.bounced_at = None
            subscriber.bounce_reason = ""
            subscriber.save()
    return subscriber


def subscriber_for_token(token: str, *, for_unsubscribe: bool = False) -> Subscriber:
    subscriber_id = read_manage_token(token, for_unsubscribe=for_unsubscribe)
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        raise SubscriptionError("This subscription no longer exists.")
    return subscriber


def alerts_of(subscriber: Subscriber):
    return subscriber.alerts.prefetch_related("disciplines", "roles", "keyword_rows").order_by("pk")


def add_alert(token: str, alert_input: dict) -> JobAlert:
    subscriber = subscriber_for_token(token)
    spec = validate_alert(**alert_input)
    with transaction.atomic():
        ensure_room_for_an_alert(subscriber)
        # The manage token proves the address, so the alert is active at once.
        return _save_alert(JobAlert(subscriber=subscriber, active_since=timezone.now()), spec)


def _own_alert(subscriber: Subscriber, alert_id) -> JobAlert:
    try:
        return subscriber.alerts.get(pk=int(alert_id))
    except (ValueError, JobAlert.DoesNotExist) as err:
        raise SubscriptionError("No such alert for this subscription.") from err


def update_alert(token: str, alert_id, alert_input: dict) -> JobAlert:
    subscriber = subscriber_for_token(token)
    alert = _own_alert(subscriber, alert_id)
    spec = validate_alert(**alert_input)
    with transaction.atomic():
        if alert.active_since is None:
            ensure_room_for_an_alert(subscriber)
            alert.active_since = timezone.now()
        return _save_alert(alert, spec)


def set_alert_paused(token: str, alert_id, paused: bool) -> JobAlert:
    """Pause an alert (no matches, no digests) or resume it from now."""
    subscriber = subscriber_for_token(token)
    alert = _own_alert(subscriber, alert_id)
    now = timezone.now()
    if paused and alert.paused_at is None:
        alert.paused_at = now
    elif not paused and alert.paused_at is not None:
        alert.paused_at = None
        alert.active_since = now
    alert.save(update_fields=["paused_at", "active_since"])
    return alert


def delete_alert(token: str, alert_id) -> None:
    subscriber = subscriber_for_token(token)
    _own_alert(subscriber, alert_id).delete()


def unsubscribe(token: str) -> Subscriber:
    """Stops every email to the address at once: pending deliveries are skipped at send."""
    subscriber = subscriber_for_token(token, for_unsubscribe=True)
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
    return subscriber


def export_data(token: str) -> dict:
    """Everything held about the token's subscriber (notifications/privacy.py)."""
    return privacy.export(subscriber_for_token(token))


def erase(token: str) -> None:
    """Erase the token's subscriber everywhere (notifications/privacy.py)."""
    privacy.erase(subscriber_for_token(token))
