"""Related guides become ordered rows an editor picks with a chooser (GuideRelatedGuide).

Django cannot turn a many-to-many field into one through a model of ours in place: the rows
are copied to the new table, the old field removed and the new one added. Revisions keep
their list of related guides as the new rows too, so publishing an older draft keeps them."""

import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models




def copy_relations(apps, schema_editor):
    GuidePage = apps.get_model("content", "GuidePage")
    GuideRelatedGuide = apps.get_model("content", "GuideRelatedGuide")
    old_rows = GuidePage._meta.get_field("related_guides").remote_field.through.objects.order_by("pk")
    order: dict[int, int] = {}
    links = []
    for row in old_rows.values_list("from_guidepage_id", "to_guidepage_id"):
        page_id, guide_id = row
        if page_id == guide_id:
            continue  # a guide related to itself: what the new rule refuses
        order[page_id] = order.get(page_id, -1) + 1
        links.append(GuideRelatedGuide(page_id=page_id, guide_id=guide_id, sort_order=order[page_id]))
    GuideRelatedGuide.objects.bulk_create(links)

    # Revisions stored the list under `related_guides`; the page form now reads the rows.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    guide_type = ContentType.objects.filter(app_label="content", model="guidepage").first()
    if guide_type is None:
        return
    for revision in Revision.objects.filter(content_type=guide_type).iterator():
        content = revision.content
        if "related_guides" not in content:
            continue
        page_id = int(revision.object_id)
        content["related_guide_links"] = [
            {"pk": None, "page": page_id, "guide": guide_id, "sort_order": number}
            for number, guide_id in enumerate(
                guide_id for guide_id in content.pop("related_guides") or [] if guide_id != page_id
            )
        ]
        revision.save(update_fields=["content"])


def copy_relations_back(apps, schema_editor):
    GuidePage = apps.get_model("content", "GuidePage")
    GuideRelatedGuide = apps.get_model("content", "GuideRelatedGuide")
    Through = GuidePage._meta.get_field("related_guides").remote_field.through
    Through.objects.bulk_create(
        Through(from_guidepage_id=page_id, to_guidepage_id=guide_id)
        for page_id, guide_id in GuideRelatedGuide.objects.order_by("page_id", "sort_order")
        .values_list("page_id", "guide_id")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('content', '0013_tsvector_concat_aggregate'),
    ]

    operations = [
        migrations.CreateModel(
            name='GuideRelatedGuide',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('guide', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='content.guidepage')),
                ('page', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='related_guide_links', to='content.guidepage')),
            ],
            options={
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
        migrations.RunPython(copy_relations, copy_relations_back),
        migrations.RemoveField(model_name="guidepage", name="related_guides"),
        migrations.AddField(
            model_name="guidepage",
            name="related_guides",
            field=models.ManyToManyField(
                blank=True,
                related_name="+",
                through="content.GuideRelatedGuide",
                through_fields=("page", "guide"),
                to="content.guidepage",
            ),
        ),
    ]
