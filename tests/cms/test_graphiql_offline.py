"""GraphiQL and the admin work without internet: every asset is served by the CMS itself."""

import re

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from wagtail.admin.templatetags.wagtailadmin_tags import avatar_url

ASSET = re.compile(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"')


def test_graphiql_loads_only_local_assets(graphql):
    html = graphql.http.get("/graphiql/").content.decode()
    assets = ASSET.findall(html)
    assert len(assets) == 4  # its stylesheet, React, ReactDOM and GraphiQL
    for url in assets:
        assert url.startswith("/static/graphiql/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a shipped static file"
    assert "https://" not in html and "http://" not in html


@pytest.mark.django_db
def test_admin_avatars_do_not_call_an_external_service():
    user = User.objects.create_user("ava", "ava@example.org", "pw")
    assert not avatar_url(user).startswith(("http://", "https://", "//"))
