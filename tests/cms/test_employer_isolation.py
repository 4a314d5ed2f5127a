"""An institution account sees only its own institution in the admin: walked over every
admin URL Django knows, with GET and POST, with the ids of another institution's objects
(and of unpublished editorial pages) filled in and written every way Django accepts.

The data is built once for the module (a transaction rolled back at the end) and the walk
logs in once, so the whole module runs in a fraction of the old single test's time."""

import itertools
import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.models import Page, Revision, WorkflowState

from cms.models import JobActivity
from content.employers.accounts import issue_key
from content.imports.models import JobFeed, JobFeedRun
from content.imports.reading import submit_for_moderation
from content.models import (
    EmployerApiKey,
    InstitutionAccountRequest,
    InstitutionMembership,
    JobPostingPage,
)
from content.moderation import ensure_job_moderation
from tests.content.factories import (
    DefinitionPageFactory,
    GlossaryIndexPageFactory,
    GuideIndexPageFactory,
    GuidePageFactory,
    InstitutionFactory,
    JobIndexPageFactory,
    JobPostingPageFactory,
    site_root,
)

# What Oxford's account must never see: Cambridge's things and unpublished editorial text.
SECRETS = [
    "Cambridge secret draft",
    "Cambridge secret revision",
    "Cambridge secret key",
    "cambridge_secret_user",
    "secret@cam.example",
    "Cambridge secret feed",
    "feeds.cam.example",
    "Unpublished secret guide",
    "Unpublished secret term",
    "Secret request institute",
    "secret-request@req.example",
]
# URL names whose request ends the session the walk runs in, or is an error on purpose.
SKIP = {"wagtailadmin_logout", "wagtailadmin_error_test"}
QUERIES = ["", "?q=secret&p=1"]
# Every way Django's int() and IntegerField accept (or nearly accept) the number n.
SPELLINGS = [
    "{n}",
    " {n}",
    "+{n}",
    "\t{n}",
    "{n} ",
    "0{n}",
    "{n}.0",
    "{n}\n",
    "\u0660{arabic}",
    "-{n}",
    "99999999999999999999999",
    "1e3",
    "",
    "all",
]
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PAGE_PARAMETERS = ("id", "childOf", "child_of", "descendant_of", "parent_page_id", "page_id")
# The views that take page ids from the query string.
PAGE_LISTINGS = (
    "wagtail_bulk_action",
    "wagtailadmin_choose_page",
    "wagtailadmin_api:pages:listing",
    "wagtailadmin_explore",
)


def spellings(pk) -> list[str]:
    n = str(pk)
    return [s.format(n=n, arabic=n.translate(ARABIC)) for s in SPELLINGS]


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
        if regex.startswith("admin/") and name not in SKIP:
            yield regex, name


GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")


def fill(regex: str, values: dict[str, list[str]], own: str):
    """URLs the pattern makes from the candidate values: each group in turn takes each of
    its candidates while the others hold Oxford's own id (linear, not a full product), and
    every group the same candidate at once."""
    groups = dict(GROUP.findall(regex))
    names = list(groups)

    def candidates(name):
        found = values.get(name, values["*"])
        if groups[name] == "[0-9]+":  # Django's int converter: only digits reach the view
            found = [v for v in found if v.isdigit()]
        return [quote(v, safe="") for v in found]

    combos = set()
    for name in names:
        for value in candidates(name):
            combos.add(tuple(value if n == name else own for n in names))
    for value in candidates(names[0]) if names else [""]:
        combos.add(tuple(value for _ in names))
    for combo in sorted(combos):
        chosen = dict(zip(names, combo, strict=True))
        path = GROUP.sub(lambda m, chosen=chosen: chosen[m.group(1)], regex)
        yield "/" + path.replace("\\", "")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def build_world():
    ensure_job_moderation()
    job_index = JobIndexPageFactory(parent=site_root())
    oxford = InstitutionFactory(name="Oxford", slug="oxford")
    cambridge = InstitutionFactory(name="Cambridge", slug="cambridge")
    own_key = EmployerApiKey(institution=oxford, name="Oxford key")
    issue_key(own_key)
    own_key.save()
    key = EmployerApiKey(institution=cambridge, name="Cambridge secret key")
    issue_key(key)
    key.save()

    olive = User.objects.create_user("olive", "olive@ox.example", "pw")
    InstitutionMembership.objects.create(user=olive, institution=oxford)
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

    # Views and apply clicks for all three: the posting activity report shows Oxford's only.
    for job in (own, draft, live):
        JobActivity.objects.create(job=job, date=timezone.localdate(), views=5, apply_clicks=1)

    guide = GuidePageFactory(
        parent=GuideIndexPageFactory(parent=site_root()),
        title="Unpublished secret guide",
        live=False,
    )
    guide.save_revision()
    term = DefinitionPageFactory(
        parent=GlossaryIndexPageFactory(parent=site_root()),
        term="Unpublished secret term",
        live=False,
    )
    term.save_revision()

    own_feed = JobFeed.objects.create(
        institution=oxford, name="Oxford own feed", url="https://feeds.ox.example/jobs.json"
    )
    feed = JobFeed.objects.create(
        institution=cambridge,
        name="Cambridge secret feed",
        url="https://feeds.cam.example/jobs.json",
        owner=cam_user,
    )
    run = JobFeedRun.objects.create(feed=feed)
    # A pending request for an institution account: staff only, never an institution's.
    account_request = InstitutionAccountRequest.objects.create(
        institution_name="Secret request institute",
        website_url="https://req.example/",
        contact_name="Rex Quest",
        contact_email="secret-request@req.example",
        position="Dean",
        consented_at=timezone.now(),
    )
    from wagtail.log_actions import log

    log(feed, "wagtail.edit", user=cam_user)

    foreign = [
        draft.pk,
        live.pk,
        guide.pk,
        term.pk,
        revision.pk,
        Revision.objects.filter(object_id=str(draft.pk)).first().pk,
        key.pk,
        cam_member.pk,
        cam_user.pk,
        WorkflowState.objects.get(base_content_type__isnull=False).pk,
        feed.pk,
        run.pk,
        account_request.pk,
    ]
    client = Client(raise_request_exception=False)
    client.force_login(olive)
    return {
        "client": client,
        "secrets": [*SECRETS, key.prefix],
        "foreign": sorted(set(foreign)),
        "spelled": sorted({draft.pk, key.pk, feed.pk}),
        "job_index": job_index,
        "own": own,
        "own_feed": own_feed,
        "draft": draft,
        "guide": guide,
        "term": term,
        "feed": feed,
        "account_request": account_request,
    }


def leaks(response, secrets) -> list[str]:
    body = b"".join(response) if response.streaming else response.content
    text = body.decode(errors="replace").lower()
    return [secret for secret in secrets if secret.lower() in text]


def values_for(world, spelled: bool) -> dict[str, list[str]]:
    ids = [str(pk) for pk in world["foreign"]]
    if spelled:  # a page, a snippet and a feed: every spelling of each
        ids = sorted({s for pk in world["spelled"] for s in spellings(pk)})
    return {
        "app_label": ["content", "wagtailcore", "auth", "imports"],
        "model_name": [
            "jobpostingpage",
            "page",
            "employerapikey",
            "jobfeed",
            "institutionaccountrequest",
        ],
        "content_type_app_name": ["content"],
        "content_type_model_name": ["jobpostingpage"],
        "action": ["publish", "unpublish", "delete", "move"],
        "*": ids,
    }


def walk(world, method: str, spelled: bool) -> tuple[int, list[str]]:
    client, secrets = world["client"], world["secrets"]
    values = values_for(world, spelled)
    problems, visited = [], 0
    for regex, name in admin_routes():
        if spelled and not GROUP.search(regex):
            continue  # nothing to spell: the plain walk covers it
        for path in fill(regex, values, str(world["own"].pk)):
            # Searches are for listings; views of one object are walked without one.
            for query in QUERIES if not GROUP.search(regex) else [""]:
                url = path + query
                response = getattr(client, method)(url)
                visited += 1
                if response.status_code >= 500:
                    problems.append(f"{method} {url} ({name}): {response.status_code}")
                elif found := leaks(response, secrets):
                    problems.append(f"{method} {url} ({name}): {found}")
    return visited, problems


@pytest.mark.django_db
def test_own_things_show_where_they_belong(world):
    """The check below can fail: Oxford's own things do show, searches included."""
    client, index = world["client"], world["job_index"].pk
    for url in (
        f"/admin/pages/{index}/",
        f"/admin/pages/{index}/?q=job",
        "/admin/choose-page/search/?q=job",
        f"/admin/api/main/pages/?child_of={index}&for_explorer=1",
        f"/admin/api/main/pages/{world['own'].pk}/",
        f"/admin/bulk/wagtailcore/page/publish/?id={world['own'].pk}",
        "/admin/reports/posting-activity/",
        "/admin/reports/posting-activity/?export=csv",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert "Oxford own job" in body and "Cambridge job" not in body, url
    for url in ("/admin/job_feeds/", f"/admin/job_feeds/history/{world['own_feed'].pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Oxford own feed" in response.content.decode(), url
    # The reports are closed to it and not offered in its menu, but for its posting activity.
    menu = client.get("/admin/").content.decode()
    assert set(re.findall(r"/admin/reports/[\w/-]*", menu)) == {"/admin/reports/posting-activity/"}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_admin_url_with_another_institutions_ids(world, method):
    visited, problems = walk(world, method, spelled=False)
    assert visited > 500
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
def test_every_admin_url_with_ids_spelled_every_way(world):
    """Padding, +, tab, 2058.0, huge and Arabic-Indic digits in URL parts that take text."""
    visited, problems = walk(world, "get", spelled=True)
    assert visited > 500
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_page_ids_in_the_query_string_spelled_every_way(world, method):
    """Bulk actions, the choosers and the admin API read page ids from the query string."""
    client, secrets = world["client"], world["secrets"]
    routes = [
        path
        for regex, name in admin_routes()
        if (name or "").startswith(PAGE_LISTINGS)
        for path in fill(regex, values_for(world, spelled=False), "")
        if "/wagtailcore/page/" in path or not GROUP.search(regex)
    ]
    assert len(routes) > 5
    problems = []
    pages = [world["draft"].pk, world["guide"].pk, world["term"].pk]
    for path, pk in itertools.product(routes, pages):
        for spelled in spellings(pk):
            value = quote(spelled, safe="")
            url = f"{path}?" + "&".join(f"{p}={value}" for p in PAGE_PARAMETERS)
            response = getattr(client, method)(url + "&for_explorer=1")
            if response.status_code >= 500:
                problems.append(f"{method} {url}: {response.status_code}")
            elif found := leaks(response, secrets):
                problems.append(f"{method} {url}: {found}")
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
def test_the_walks_changed_nothing(world):
    assert Page.objects.filter(pk=world["draft"].pk, title="Cambridge secret draft").exists()
    assert JobPostingPage.objects.count() == 3
    assert JobFeed.objects.filter(pk=world["feed"].pk, name="Cambridge secret feed").exists()
    account_request = InstitutionAccountRequest.objects.get(pk=world["account_request"].pk)
    assert account_request.status == "PENDING" and account_request.reviewed_by is None
    assert not User.objects.filter(email="secret-request@req.example").exists()
