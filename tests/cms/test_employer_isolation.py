"""An institution account sees only its own institution in the admin: walked over every
admin URL Django knows, with the ids of another institution's objects filled in."""

import itertools
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.models import Page, Revision, WorkflowState

from content.employers.accounts import issue_key
from content.imports.reading import submit_for_moderation
from content.models import EmployerApiKey, InstitutionMembership, JobPostingPage
from content.moderation import ensure_job_moderation
from tests.factories import InstitutionFactory, JobPostingPageFactory

# What Cambridge has and Oxford's account must never see.
SECRETS = [
    "Cambridge secret draft",
    "Cambridge secret revision",
    "Cambridge secret key",
    "cambridge_secret_user",
    "secret@cam.example",
]
# URL names whose GET ends the session the walk runs in, or is an error on purpose.
SKIP = {"wagtailadmin_logout", "wagtailadmin_error_test"}  # the last one raises on purpose
QUERIES = ["", "?q=secret&p=1", "?child_of={id}&for_explorer=1"]


def admin_routes():
    """(full regex, name) of every URL pattern under /admin/."""

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            regex = prefix + entry.pattern.regex.pattern.lstrip("^").rstrip("$").rstrip(r"\Z")
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry.url_patterns, regex, ns)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                yield regex, name

    for regex, name in walk(get_resolver().url_patterns, "", ""):
        if regex.startswith("admin/"):
            yield regex, name


GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def fill(regex: str, values: dict[str, list[str]]):
    """Every URL the pattern makes from the candidate values (one value per group name)."""
    names = GROUP.findall(regex)
    for combo in itertools.product(*(values.get(n, values["*"]) for n in dict.fromkeys(names))):
        chosen = dict(zip(dict.fromkeys(names), combo, strict=True))
        path = GROUP.sub(lambda m, chosen=chosen: chosen[m.group(1)], regex)
        yield "/" + path.replace("\\", "")


@pytest.fixture
def world(job_index):
    ensure_job_moderation()
    oxford = InstitutionFactory(name="Oxford", slug="oxford")
    cambridge = InstitutionFactory(name="Cambridge", slug="cambridge")
    own_key = EmployerApiKey(institution=oxford, name="Oxford key")
    issue_key(own_key)
    own_key.save()
    key = EmployerApiKey(institution=cambridge, name="Cambridge secret key")
    issue_key(key)
    key.save()

    olive = User.objects.create_user("olive", "olive@ox.example", "pw")
    own_member = InstitutionMembership.objects.create(user=olive, institution=oxford)
    cam_user = User.objects.create_user(
        "cambridge_secret_user", "secret@cam.example", "pw", first_name="Cambridge secret user"
    )
    cam_member = InstitutionMembership.objects.create(user=cam_user, institution=cambridge)

    own = JobPostingPageFactory(parent=job_index, institution=oxford, title="Oxford own job")
    draft = JobPostingPageFactory(
        parent=job_index, institution=cambridge, title="Cambridge secret draft", live=False
    )
    draft.save_revision(user=cam_user)
    submit_for_moderation(draft, cam_user)
    live = JobPostingPageFactory(parent=job_index, institution=cambridge, title="Cambridge job")
    live.save_revision().publish()
    live.title = "Cambridge secret revision"
    revision = live.save_revision(user=cam_user)

    ids = {
        str(pk)
        for pk in (
            draft.pk,
            live.pk,
            revision.pk,
            Revision.objects.filter(object_id=str(draft.pk)).first().pk,
            key.pk,
            cam_member.pk,
            cam_user.pk,
            WorkflowState.objects.get(base_content_type__isnull=False).pk,
            job_index.pk,
            own.pk,  # with another's revision or workflow state in the same URL
        )
    }
    client = Client(raise_request_exception=False)
    client.force_login(olive)
    return {
        "client": client,
        "secrets": [*SECRETS, key.prefix],
        "ids": sorted(ids),
        "job_index": job_index,
        "own": own,
        "own_member": own_member,
        "draft": draft,
    }


@pytest.mark.django_db
def test_an_institution_account_sees_nothing_of_another_institution_anywhere(world):
    client, ids, secrets = world["client"], world["ids"], world["secrets"]
    values = {
        "app_label": ["content", "wagtailcore", "auth"],
        "model_name": ["jobpostingpage", "page", "employerapikey", "institutionmembership"],
        "content_type_app_name": ["content"],
        "content_type_model_name": ["jobpostingpage"],
        "*": ids,
    }
    # The check can fail: Oxford's own things do show where they belong, searches included.
    index = world["job_index"].pk
    for url in (
        f"/admin/pages/{index}/",
        f"/admin/pages/{index}/?q=job",
        "/admin/choose-page/search/?q=job",
        f"/admin/api/main/pages/?child_of={index}&for_explorer=1",
        f"/admin/api/main/pages/{world['own'].pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Oxford own job" in response.content.decode(), url

    # The reports are closed to it, and not offered in its menu either.
    assert "/admin/reports/" not in client.get("/admin/").content.decode()

    problems, visited = [], 0
    for regex, name in admin_routes():
        if name in SKIP:
            continue
        for path in fill(regex, values):
            for query in QUERIES:
                url = path + query.format(id=world["job_index"].pk)
                if "?" in query and "{" in url:
                    continue
                response = client.get(url)
                visited += 1
                if response.status_code >= 500:
                    problems.append(f"{url} ({name}): {response.status_code}")
                    continue
                body = b"".join(response) if response.streaming else response.content
                text = body.decode(errors="replace")
                leaked = [secret for secret in secrets if secret.lower() in text.lower()]
                if leaked:
                    problems.append(f"{url} ({name}): {leaked}")
            # Bulk actions take their objects as ?id=.
            if "bulk" in regex:
                for pk in ids:
                    response = client.get(f"{path}?id={pk}")
                    text = response.content.decode(errors="replace")
                    if response.status_code >= 500 or any(s in text for s in secrets):
                        problems.append(f"{path}?id={pk} ({name})")
    assert visited > 500
    assert problems == [], "\n".join(problems)
    assert Page.objects.filter(pk=world["draft"].pk).exists()  # the walk changed nothing
    assert JobPostingPage.objects.count() == 3
