"""Related guides: picked one by one with a chooser of guides, in order, never the guide
itself; the relation the API reads follows what is published; migration 0014 kept the
relations (and the drafts' lists) that existed before."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from content.models import GuidePage
from tests.content.factories import GuidePageFactory

BEFORE, AFTER = (
    ("content", "0013_tsvector_concat_aggregate"),
    ("content", "0014_related_guides_in_order"),
)


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client


def guide_form(guide, related, action="action-publish"):
    data = nested_form_data(
        {
            "title": guide.title,
            "slug": guide.slug,
            "summary": guide.summary,
            "body": streamfield([("paragraph", rich_text("<p>Body.</p>"))]),
            "related_guide_links": inline_formset([{"guide": pk} for pk in related]),
        }
    )
    data[action] = "1"
    return data


def test_the_panel_is_a_chooser_of_guides(editor, guide_index):
    guide = GuidePageFactory(parent=guide_index)
    html = editor.get(reverse("wagtailadmin_pages:edit", args=[guide.pk])).content.decode()
    assert 'name="related_guides"' not in html  # no multi-select of every guide
    assert '"type": "MultipleChooserPanel"' in html and "related_guide_links-TOTAL_FORMS" in html
    form_class = GuidePage.get_edit_handler().get_form_class()
    chooser = form_class.formsets["related_guide_links"].form.base_fields["guide"].widget
    assert chooser.target_models == [GuidePage]  # the page chooser offers guides only


def test_related_guides_are_kept_in_the_order_chosen(editor, guide_index):
    guide, first, second = (GuidePageFactory(parent=guide_index) for _ in range(3))
    url = reverse("wagtailadmin_pages:edit", args=[guide.pk])
    response = editor.post(url, guide_form(guide, [second.pk, first.pk]))
    assert response.status_code == 302
    guide = GuidePage.objects.get(pk=guide.pk)
    assert [link.guide_id for link in guide.related_guide_links.all()] == [second.pk, first.pk]
    assert set(guide.related_guides.all()) == {first, second}  # what the API reads


def test_a_guide_cannot_relate_to_itself(editor, guide_index):
    guide, other = GuidePageFactory(parent=guide_index), GuidePageFactory(parent=guide_index)
    url = reverse("wagtailadmin_pages:edit", args=[guide.pk])
    response = editor.post(url, guide_form(guide, [other.pk, guide.pk]))
    assert response.status_code == 200
    assert "A guide cannot be related to itself." in response.content.decode()
    assert not guide.related_guide_links.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_relations_and_drafts_lists():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps
        Page = old.get_model("wagtailcore", "Page")
        Guide = old.get_model("content", "GuidePage")
        ContentType = old.get_model("contenttypes", "ContentType")
        Revision = old.get_model("wagtailcore", "Revision")
        guide_type, _ = ContentType.objects.get_or_create(app_label="content", model="guidepage")
        root = Page.objects.get(depth=1)
        guides = [
            Guide.objects.create(
                title=f"Guide {n}",
                slug=f"guide-{n}",
                path=f"{root.path}{n + 900:04d}",
                depth=2,
                content_type=guide_type,
                summary="A guide.",
                body="[]",
                locale_id=root.locale_id,
            )
            for n in range(3)
        ]
        a, b, c = guides
        through = Guide._meta.get_field("related_guides").remote_field.through
        through.objects.create(from_guidepage_id=a.pk, to_guidepage_id=c.pk)
        through.objects.create(from_guidepage_id=a.pk, to_guidepage_id=b.pk)
        through.objects.create(from_guidepage_id=b.pk, to_guidepage_id=b.pk)  # itself: dropped
        Revision.objects.create(
            content_type=guide_type,
            base_content_type=guide_type,
            object_id=str(a.pk),
            created_at=timezone.now(),
            content={"pk": a.pk, "title": "Guide 0", "related_guides": [b.pk, a.pk, c.pk]},
        )
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    a_links = GuidePage.objects.get(pk=a.pk).related_guide_links.all()
    assert [(link.guide_id, link.sort_order) for link in a_links] == [(c.pk, 0), (b.pk, 1)]
    assert not GuidePage.objects.get(pk=b.pk).related_guide_links.exists()
    from wagtail.models import Revision as CurrentRevision

    content = CurrentRevision.objects.get(object_id=str(a.pk)).content
    assert "related_guides" not in content
    assert [link["guide"] for link in content["related_guide_links"]] == [b.pk, c.pk]
