"""Several web nodes: two gunicorn servers (production settings, response cache on) on one
database and one shared cache. A publish, a privacy change and an unpublish made in one
node's admin are never served stale by the other: its very next answer shows the change
(docs/deploy.md, "Several web nodes": the bound is zero for the CMS's own answers)."""

import re
import urllib.parse

import pytest
import requests
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User

from tests import processes
from tests.content.factories import JobPostingPageFactory
from tests.notifications.smtp import free_port

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

JOB = '{ job(slug: "two-nodes") { title } jobs { pagination { total } } }'


class AdminSession:
    """An editor's browser on one node: behind a TLS proxy (X-Forwarded-Proto), so its
    cookies are Secure and requests would not send them over http; kept here instead."""

    def __init__(self, url: str):
        self.url = url
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data=None) -> requests.Response:
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{urllib.parse.urlsplit(self.url).netloc}/admin/",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        response = requests.request(
            method, self.url + path, data=data, headers=headers, allow_redirects=False, timeout=60
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def login(self, username: str, password: str) -> None:
        self.request("GET", "/admin/login/")
        response = self.request(
            "POST", "/admin/login/", {"username": username, "password": password}
        )
        assert response.status_code == 302, response.text[:500]


def answer(node: str) -> dict:
    response = requests.get(f"{node}/graphql/", params={"query": JOB}, timeout=60)
    assert response.status_code == 200, response.text[:300]
    return response.json()["data"], response.headers.get("X-Cache")


def test_a_change_through_one_node_is_never_served_stale_by_the_other(
    tmp_path, job_index, settings
):
    job = JobPostingPageFactory(parent=job_index, title="Two nodes", slug="two-nodes", live=False)
    job.save_revision()
    # Hashed as production checks it (the suite's settings use a fast hasher of their own).
    settings.PASSWORD_HASHERS = [
        *settings.PASSWORD_HASHERS,
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    editor_user = User.objects.create_superuser("editor", "editor@example.com")
    editor_user.password = make_password("two-nodes-pw", hasher="pbkdf2_sha256")
    editor_user.save()
    cache_on = {"GRAPHQL_CACHE_SECONDS": "300", "CACHE_KEY_PREFIX": f"nodes{free_port()}"}

    with (
        processes.gunicorn(tmp_path, free_port(), keep_redis=True, **cache_on) as one,
        processes.gunicorn(tmp_path, free_port(), keep_redis=True, **cache_on) as other,
    ):
        editor = AdminSession(one)
        editor.login("editor", "two-nodes-pw")
        # The other node has answered (and cached) the draft's absence.
        assert answer(other)[0]["job"] is None
        data, cache = answer(other)
        assert cache == "HIT" and data["job"] is None
        total = data["jobs"]["pagination"]["total"]

        published = editor.request("POST", f"/admin/bulk/wagtailcore/page/publish/?id={job.pk}", {})
        assert published.status_code == 302, published.text[:500]
        data, _ = answer(other)
        assert data["job"] == {"title": "Two nodes"}
        assert data["jobs"]["pagination"]["total"] == total + 1

        private = editor.request(
            "POST",
            f"/admin/pages/{job.pk}/privacy/",
            {"restriction_type": "password", "password": "secret-word"},
        )
        assert private.status_code == 200 and re.search(
            r'"step": ?"set_privacy_done"', private.text
        )
        data, _ = answer(other)
        assert data["job"] is None and data["jobs"]["pagination"]["total"] == total

        public = editor.request(
            "POST", f"/admin/pages/{job.pk}/privacy/", {"restriction_type": "none"}
        )
        assert public.status_code == 200
        assert answer(other)[0]["job"] == {"title": "Two nodes"}

        unpublished = editor.request("POST", f"/admin/pages/{job.pk}/unpublish/", {})
        assert unpublished.status_code == 302, unpublished.text[:500]
        data, _ = answer(other)
        assert data["job"] is None and data["jobs"]["pagination"]["total"] == total
