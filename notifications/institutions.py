"""The "Post a job" form's emails and limits: a request from the public form is checked
(content/employers/requests.py), rate limited like alert sign-ups (the same counters'
code and limits, its own scope), stored, and announced to staff; an approval sends the
institution's invitation, a link to set a password (Django's password-reset token), which
staff may send again while no password is set; a rejection tells the requester."""

import logging
import smtplib
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from content.employers import requests as account_requests
from content.employers.requests import ReviewError
from content.models import InstitutionAccountRequest
from content.public_urls import public_base_url
from notifications import bounces, suppression
from notifications.email import branded_message
from notifications.mime import SuppressedRecipient
from notifications.models import DeliveryEvent
from notifications.services import SubscriptionError, normalise_email, within_rate_limits

logger = logging.getLogger(__name__)

REQUEST_MESSAGE = (
    "Thank you. We check every request, usually within two working days; when we can open "
    "an account for your institution, we email you an invitation to set your password."
)
TEMPLATES = "notifications/email/"


class RequestInvalid(Exception):
    """What to correct, by field; nothing was stored."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {v[0]}" for k, v in errors.items()))
        self.errors = errors


def _absolute_admin(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def staff_to_notify():
    """Active staff who may review requests (superusers, or granted the change permission
    directly or through a group), never an institution account."""
    perm = Permission.objects.filter(
        content_type__app_label="content", codename="change_institutionaccountrequest"
    ).first()
    may = Q(is_superuser=True)
    if perm is not None:
        may |= Q(user_permissions=perm) | Q(groups__permissions=perm)
    return (
        User.objects.filter(may, is_active=True)
        .exclude(email="")
        .filter(institution_membership__isnull=True)
        .distinct()
        .order_by("pk")
    )


def staff_notification(account_request: InstitutionAccountRequest, to: str):
    url = reverse(
        "wagtailsnippets_content_institutionaccountrequest:edit", args=[account_request.pk]
    )
    context = {"account_request": account_request, "review_url": _absolute_admin(url)}
    subject = f"Institution account request: {account_request.institution_name}"
    return branded_message(TEMPLATES + "account_request", subject, to, context)


def invitation_message(account_request: InstitutionAccountRequest, user: User):
    path = reverse(
        "wagtailadmin_password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "account_request": account_request,
        "user": user,
        "set_password_url": _absolute_admin(path),
        "login_url": _absolute_admin(reverse("wagtailadmin_login")),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = f"Your institution account for {account_request.institution.name}"
    return branded_message(TEMPLATES + "invitation", subject, user.email, context)


def rejection_message(account_request: InstitutionAccountRequest):
    """The requester is told; staff's reason stays with staff (it may be candid)."""
    context = {
        "account_request": account_request,
        "post_a_job_url": public_base_url() + "/post-a-job/",
    }
    subject = f"Your request for an institution account: {account_request.institution_name}"
    return branded_message(
        TEMPLATES + "account_request_rejected", subject, account_request.contact_email, context
    )


def not_sent(err: SuppressedRecipient, what: str) -> ReviewError:
    """A staff-triggered email (`what`: "invitation", ...) that was not sent because its
    address is suppressed: recorded as a DeliveryEvent ("Not sent", Job alerts › Bounces and
    complaints), and the error that tells staff why and what to do. Called after the
    action's transaction rolled back, so the record stays."""
    reasons = []
    for address in err.addresses:
        bounces.record(
            DeliveryEvent.Kind.NOT_SENT,
            address=address,
            source=f"admin:{what}",
            detail=f"The {what} was not sent: the address is on the suppression list.",
        )
        found = suppression.entry(address)
        if found is not None:
            reasons.append(
                f"{address}: {found.get_reason_display().lower()} ({found.source}, "
                f"{found.created_at:%Y-%m-%d})"
            )
        else:
            reasons.append(address)
    return ReviewError(
        f"The {what} was not sent, and nothing was changed: the address is on the "
        f"suppression list ({'; '.join(reasons)}). If the address works again, lift its "
        "entry in Job alerts › Suppression list, then try again."
    )


def request_account(data: dict, *, consent: bool, request) -> str:
    """Store a pending request and tell staff. The answer is the same whether the request
    was stored, was a repeat of a pending one or was over the rate limit (then nothing is
    stored or sent): it says nothing about who asked before."""
    candidate, errors = account_requests.build_request(data, consent=consent)
    if not errors.get("contact_email"):
        try:
            candidate.contact_email = normalise_email(candidate.contact_email)
        except SubscriptionError as err:  # the alerts' rules for an address
            errors["contact_email"] = [str(err)]
    if errors:
        raise RequestInvalid(errors)
    if not within_rate_limits(request, candidate.contact_email, scope="institution"):
        logger.info("Institution account request over the rate limit; nothing stored or sent.")
        return REQUEST_MESSAGE
    pending = InstitutionAccountRequest.objects.filter(
        contact_email__iexact=candidate.contact_email,
        status=InstitutionAccountRequest.Status.PENDING,
    )
    if pending.exists():
        return REQUEST_MESSAGE
    candidate.save()
    for staff in staff_to_notify():
        try:
            staff_notification(candidate, staff.email).send(fail_silently=False)
        except SuppressedRecipient as err:
            # Listed in the admin all the same; the suppressed staff address is recorded.
            not_sent(err, "staff notification")
            logger.warning("Staff user %s's address is suppressed: not told", staff.pk)
        except (smtplib.SMTPException, OSError):
            # The request is stored and listed in the admin: a lost notice loses nothing.
            logger.exception("Could not tell %s about account request %s", staff.pk, candidate.pk)
    return REQUEST_MESSAGE


@contextmanager
def unchanged_unless_sent(what: str):
    """Run a review action whose email (`what`) must go out for the action to count: its writes
    and the send share one transaction, so an email that is refused, fails or goes to a
    suppressed address leaves nothing changed and staff can try again. The "not sent" record
    is written after the rollback, so it stays."""
    try:
        with transaction.atomic():
            yield
    except SuppressedRecipient as err:
        raise not_sent(err, what) from err
    except (smtplib.SMTPException, OSError) as err:
        raise ReviewError(
            f"The {what} could not be sent ({err}); nothing was changed, try again."
        ) from err


def approve_and_invite(account_request: InstitutionAccountRequest, reviewer) -> User:
    """Approve, and send the invitation before the approval commits."""
    with unchanged_unless_sent("invitation"):
        user = account_requests.approve(account_request, reviewer)
        invitation_message(account_request, user).send(fail_silently=False)
    return user


def reject_and_tell(account_request: InstitutionAccountRequest, reviewer, reason: str = "") -> None:
    """Reject, and tell the requester before the rejection commits (else it stays pending)."""
    with unchanged_unless_sent("rejection email"):
        account_requests.reject(account_request, reviewer, reason)
        rejection_message(account_request).send(fail_silently=False)


def may_resend_invitation(account_request: InstitutionAccountRequest) -> bool:
    """Approved, and its account has not set a password yet (an unused or lapsed invitation)."""
    user = account_request.user
    return (
        account_request.status == InstitutionAccountRequest.Status.APPROVED
        and user is not None
        and user.is_active
        and not user.has_usable_password()
    )


def resend_invitation(account_request: InstitutionAccountRequest) -> User:
    """A new invitation (a fresh link, valid as long as the first was) for an approved request
    whose account has no password yet; once one is set, the account uses password reset."""
    if not may_resend_invitation(account_request):
        raise ReviewError(
            "Only an approved request whose account has not set a password yet can be sent "
            "its invitation again."
        )
    user = account_request.user
    with unchanged_unless_sent("invitation"):
        invitation_message(account_request, user).send(fail_silently=False)
    return user
