"""Institutions' account requests: checked, then approved or rejected by staff.

The public form (cms/graphql/employers.py, through notifications/institutions.py, which
adds the rate limit and the emails) stores a pending `InstitutionAccountRequest`. Approval
gives the requester what every institution account has (content/employers/accounts.py): a
Wagtail user with an `InstitutionMembership`, whose signal puts it in the institution's
group; the institution is the one staff picked, the one we list under that name or
website, or a new one. The user has no password until they set one from the invitation.
"""

from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from content.models import Institution, InstitutionAccountRequest, InstitutionMembership

# What the form sends, in the order its errors are listed.
FIELDS = (
    "institution_name",
    "website_url",
    "contact_name",
    "contact_email",
    "position",
    "country",
    "message",
)


class ReviewError(Exception):
    """Why a request cannot be approved (or rejected) as it stands; nothing was changed."""


def build_request(data: dict, *, consent: bool) -> tuple[InstitutionAccountRequest, dict]:
    """The unsaved request and its errors by field (empty when it may be saved), checked
    with the model's own rules: single-line names, the URL, the email, the lengths."""
    values = {name: str(data.get(name) or "").strip() for name in FIELDS}
    values["country"] = values["country"].upper()
    candidate = InstitutionAccountRequest(**values, consented_at=timezone.now())
    errors: dict[str, list[str]] = {}
    try:
        candidate.full_clean(exclude=["institution", "status", "reason"])
    except ValidationError as err:
        errors.update(err.message_dict)
    url = values["website_url"]
    if url and "website_url" not in errors and urlsplit(url).scheme not in ("http", "https"):
        errors["website_url"] = ["Enter the website's address, starting with https://."]
    if not consent:
        errors["consent"] = ["Please agree, so that we may keep these details to answer you."]
    return candidate, {name: errors[name] for name in (*FIELDS, "consent") if name in errors}


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def matching_institution(account_request: InstitutionAccountRequest) -> Institution | None:
    """An institution we list under the request's name or at its website's host."""
    host = _host(account_request.website_url)
    candidates = Institution.objects.filter(
        Q(name__iexact=account_request.institution_name) | Q(website_url__icontains=host)
    )
    for institution in candidates:
        if institution.name.lower() == account_request.institution_name.lower() or (
            host and _host(institution.website_url) == host
        ):
            return institution
    return None


def _new_institution(account_request: InstitutionAccountRequest) -> Institution:
    if not account_request.country:
        raise ReviewError(
            "No institution we list matches this request: choose one, or set the country of "
            "the new institution, and save before approving."
        )
    base = slugify(account_request.institution_name)[:190] or "institution"
    slug, n = base, 1
    while Institution.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    institution = Institution(
        name=account_request.institution_name,
        slug=slug,
        country=account_request.country,
        website_url=account_request.website_url,
    )
    try:
        institution.full_clean()
    except ValidationError as err:
        raise ReviewError(f"The institution cannot be created: {err.messages[0]}") from err
    institution.save()
    return institution


def approve(account_request: InstitutionAccountRequest, reviewer) -> User:
    """Create the account (and the institution if needed); the caller sends the invitation
    in the same transaction (notifications/institutions.py), so a failed email undoes it."""
    with transaction.atomic():
        locked = InstitutionAccountRequest.objects.select_for_update().get(pk=account_request.pk)
        if locked.status != InstitutionAccountRequest.Status.PENDING:
            raise ReviewError("This request has already been reviewed.")
        email = locked.contact_email
        if User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
            raise ReviewError(
                f"There is already an account for {email}: give it the institution under "
                "Employers › Institution accounts instead, and reject this request."
            )
        institution = locked.institution or matching_institution(locked) or _new_institution(locked)
        first, _, last = locked.contact_name.partition(" ")
        user = User(username=email, email=email, first_name=first[:150], last_name=last[:150])
        user.set_unusable_password()
        user.save()
        InstitutionMembership.objects.create(user=user, institution=institution)
        locked.institution, locked.user = institution, user
        locked.status = InstitutionAccountRequest.Status.APPROVED
        locked.reviewed_by, locked.reviewed_at = reviewer, timezone.now()
        locked.save()
        account_request.refresh_from_db()
    return user


def reject(account_request: InstitutionAccountRequest, reviewer, reason: str = "") -> None:
    with transaction.atomic():
        locked = InstitutionAccountRequest.objects.select_for_update().get(pk=account_request.pk)
        if locked.status != InstitutionAccountRequest.Status.PENDING:
            raise ReviewError("This request has already been reviewed.")
        locked.status = InstitutionAccountRequest.Status.REJECTED
        locked.reason = reason.strip()
        locked.reviewed_by, locked.reviewed_at = reviewer, timezone.now()
        locked.save()
    account_request.refresh_from_db()
