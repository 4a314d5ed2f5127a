"""Employers: institution accounts in the admin and API keys for their systems.

An institution account is a Wagtail user with an `InstitutionMembership`. Access is granted
with Wagtail's own page permissions, so every admin view (edit, history, revisions, preview,
delete) enforces it, not only the ones we hook: the institution's group ("Employer: <slug>")
may add postings under the job index and edit the postings of its institution, one
GroupPagePermission per posting, kept in step by signals. It never gets publish permission:
its postings go through moderation. `construct_explorer_page_queryset` hides other
institutions' postings from its listings.
"""

import hashlib
import secrets

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page

from content.models import (
    EmployerApiKey,
    Institution,
    InstitutionMembership,
    JobIndexPage,
    JobPostingPage,
)

GROUP_PREFIX = "Employer: "
KEY_PREFIX = "ajk_"

# --- API keys --------------------------------------------------------------------------------


def _hash(key: str) -> str:
    # The key is 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(api_key: EmployerApiKey) -> str:
    """Give the (unsaved or saved) key record a fresh secret; return it, the only time it exists."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key.prefix = key[:12]
    api_key.key_hash = _hash(key)
    return key


def institution_for_key(key: str) -> Institution | None:
    """The institution an active key belongs to, or None; records when the key was used."""
    if not key or not key.startswith(KEY_PREFIX):
        return None
    api_key = (
        EmployerApiKey.objects.select_related("institution")
        .filter(key_hash=_hash(key), active=True)
        .first()
    )
    if api_key is None:
        return None
    EmployerApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    return api_key.institution


def employer_for_request(request) -> Institution | None:
    """The institution whose API key authorises this request, looked up once per request."""
    if not hasattr(request, "employer_institution"):
        request.employer_institution = institution_for_key(bearer_key(request))
    return request.employer_institution


def bearer_key(request) -> str:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" else ""


# --- Institution accounts ----------------------------------------------------------------------


def membership(user) -> InstitutionMembership | None:
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return None
    return InstitutionMembership.objects.filter(user=user).select_related("institution").first()


def employer_group(institution: Institution) -> Group:
    """The institution's group, created with its permissions the first time it is needed."""
    group, created = Group.objects.get_or_create(name=GROUP_PREFIX + institution.slug)
    if created:
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        for index in JobIndexPage.objects.all():
            GroupPagePermission.objects.create(group=group, page=index, permission_type="add")
        for job in JobPostingPage.objects.filter(institution=institution):
            grant_job(job, group)
    return group


def grant_job(job: JobPostingPage, group: Group) -> None:
    GroupPagePermission.objects.get_or_create(
        group=group, page=job, permission=Permission.objects.get(codename="change_page")
    )


def sync_job_permissions(job: JobPostingPage) -> None:
    """Only the posting's own institution's group may edit it. Runs on every save, so the
    usual case (nothing to change) costs one query for the groups involved."""
    own = GROUP_PREFIX + job.institution.slug
    involved = Group.objects.filter(name__startswith=GROUP_PREFIX).filter(
        Q(name=own) | Q(page_permissions__page=job)
    )
    for group in involved.distinct():
        if group.name == own:
            grant_job(job, group)
        else:
            GroupPagePermission.objects.filter(group=group, page=job).delete()


def sync_membership(member: InstitutionMembership) -> None:
    """Put the user in their institution's group and out of any other employer group."""
    group = employer_group(member.institution)
    others = member.user.groups.filter(name__startswith=GROUP_PREFIX).exclude(pk=group.pk)
    member.user.groups.remove(*others)
    member.user.groups.add(group)


def end_membership(member: InstitutionMembership) -> None:
    member.user.groups.remove(*member.user.groups.filter(name__startswith=GROUP_PREFIX))


def visible_pages(pages, user):
    """The pages an institution account may see anywhere in the admin (listings, choosers,
    bulk actions, the admin API, any view a URL names a page in): deny by default.

    It sees its own institution's postings, the path down to the job index, and live pages
    without unpublished changes (terms and guides it may link to), never another
    institution's posting. By page id, so the same filter also works on a search: the
    admin's explorer and chooser searches apply it before searching. Staff see everything."""
    member = membership(user)
    if member is None:
        return pages
    own = JobPostingPage.objects.filter(institution_id=member.institution_id)
    others = JobPostingPage.objects.exclude(institution_id=member.institution_id)
    path = Q()
    for index in JobIndexPage.objects.only("path", "depth"):
        path |= Q(path__in=[index.path[: n * index.steplen] for n in range(1, index.depth + 1)])
    published = Q(live=True, has_unpublished_changes=False) & ~Q(pk__in=others.values("pk"))
    allowed = Page.objects.filter(Q(pk__in=own.values("pk")) | path | published)
    return pages.filter(pk__in=allowed.values("pk"))


def _job_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_job_permissions(instance)


def _membership_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_membership(instance)


def _membership_deleted(sender, instance, **kwargs):
    end_membership(instance)


def connect_signals() -> None:
    post_save.connect(_job_saved, sender=JobPostingPage, dispatch_uid="employers-job")
    post_save.connect(
        _membership_saved, sender=InstitutionMembership, dispatch_uid="employers-member"
    )
    post_delete.connect(
        _membership_deleted, sender=InstitutionMembership, dispatch_uid="employers-member-end"
    )
