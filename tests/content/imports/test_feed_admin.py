"""Job feeds in the admin: editors see all; an institution account only its own, and may not
make its postings skip moderation."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from content.models import FeedFormat, InstitutionMembership, JobFeed, JobFeedRun
from tests.content.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    oxford = InstitutionFactory(name="University of Oxford", slug="oxford")
    cambridge = InstitutionFactory(name="University of Cambridge", slug="cambridge")
    member = User.objects.create_user("oxford-hr", "hr@ox.example", "pw")
    InstitutionMembership.objects.create(user=member, institution=oxford)
    feeds = {
        inst.slug: JobFeed.objects.create(
            institution=inst, name=f"{inst.name} HR", url=f"https://{inst.slug}.example/feed"
        )
        for inst in (oxford, cambridge)
    }
    runs = {
        slug: JobFeedRun.objects.create(feed=feed, rows_total=80, rows_done=40)
        for slug, feed in feeds.items()
    }
    return {
        "oxford": oxford,
        "cambridge": cambridge,
        "member": member,
        "feeds": feeds,
        "runs": runs,
    }


def refused(response) -> bool:
    """Wagtail answers a PermissionDenied with a redirect to the dashboard and a message."""
    if response.status_code == 302:
        return response.url == reverse("wagtailadmin_home")
    return response.status_code in (403, 404)


def form_data(institution, **overrides) -> dict:
    data = {
        "name": "New feed",
        "institution": str(institution.pk),
        "url": "https://jobs.example/feed.json",
        "format": FeedFormat.JSON_LD,
        "interval_minutes": "30",
        "column_mapping": "{}",
        "active": "on",
        "owner": "",
    }
    data.update(overrides)
    return data


def test_an_editor_registers_a_feed_and_sees_every_run(client, world):
    editor = User.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(editor)
    response = client.post(
        reverse("job_feeds:add"),
        form_data(world["cambridge"], publish_directly="on"),
    )
    assert response.status_code == 302, response.context["form"].errors
    feed = JobFeed.objects.get(name="New feed")
    assert feed.publish_directly and feed.owner == editor

    page = client.get(reverse("job_feed_runs:index")).content.decode()
    assert page.count("40 / 80 rows") == 2

    bad = client.post(
        reverse("job_feeds:add"), form_data(world["oxford"], url="file:///etc/passwd")
    )
    assert bad.status_code == 200 and "url" in bad.context["form"].errors


def test_an_institution_account_sees_and_edits_only_its_own_feeds(client, world):
    client.force_login(world["member"])
    own, other = world["feeds"]["oxford"], world["feeds"]["cambridge"]
    listing = client.get(reverse("job_feeds:index")).content.decode()
    assert own.name in listing and other.name not in listing
    assert refused(client.get(reverse("job_feeds:edit", args=[other.pk])))
    assert refused(client.post(reverse("job_feeds:delete", args=[other.pk])))
    assert JobFeed.objects.filter(pk=other.pk).exists()

    runs = client.get(reverse("job_feed_runs:index")).content.decode()
    assert runs.count("40 / 80 rows") == 1
    other_run = world["runs"]["cambridge"]
    assert refused(client.get(reverse("job_feed_runs:inspect", args=[other_run.pk])))

    # Another institution's feed cannot be created; publishing directly cannot be chosen.
    response = client.post(reverse("job_feeds:add"), form_data(world["cambridge"]))
    assert response.status_code == 200 and "institution" in response.context["form"].errors
    response = client.post(
        reverse("job_feeds:add"), form_data(world["oxford"], publish_directly="on")
    )
    assert response.status_code == 302, response.context["form"].errors
    feed = JobFeed.objects.get(name="New feed")
    assert feed.institution == world["oxford"] and not feed.publish_directly
    assert feed.owner == world["member"]
