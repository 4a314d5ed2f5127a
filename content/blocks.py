"""StreamField blocks for guides: every part of a career guide as structured content."""

import graphene
from django.utils.text import slugify
from graphql import GraphQLError
from grapple.helpers import register_streamfield_block
from grapple.models import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLImage,
    GraphQLInt,
    GraphQLRichText,
    GraphQLSnippet,
    GraphQLStreamfield,
    GraphQLString,
)
from grapple.registry import registry
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from content.choosers import DefinitionChooserBlock
from content.iso import country_choices, country_name


def _job_page_type():
    from content.models import JobPostingPage

    return registry.pages[JobPostingPage]


def _definition_page_type():
    from content.models import DefinitionPage

    return registry.pages[DefinitionPage]


class ExposesLabelChild:
    """For blocks with a child named `label`: grapple inspects field names on the block
    class, where Block only sets `label` per instance, so declare it on the class."""

    label = None


@register_streamfield_block
class SectionHeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section (h2)"), ("h3", "Subsection (h3)")], default="h2"
    )
    icon = blocks.CharBlock(
        required=False, max_length=16, help_text="An emoji or icon name shown before the heading."
    )
    anchor = blocks.CharBlock(
        required=False,
        max_length=80,
        help_text="Fragment id for in-page links; generated from the text when blank.",
    )

    graphql_fields = [
        GraphQLString("text", required=True),
        GraphQLString("level", required=True),
        GraphQLString("icon"),
        GraphQLString("anchor", required=True, source="anchor_slug"),
    ]

    def anchor_slug(self, info, values, **kwargs):
        return values.get("anchor") or slugify(values.get("text") or "")

    class Meta:
        icon = "title"
        label = "Section heading"


@register_streamfield_block
class LabelledItemBlock(ExposesLabelChild, blocks.StructBlock):
    label = blocks.CharBlock(
        required=False, max_length=120, help_text="Optional bold lead-in, e.g. “Programming”."
    )
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    graphql_fields = [GraphQLString("label"), GraphQLRichText("text", required=True)]

    class Meta:
        icon = "list-ul"


@register_streamfield_block
class BulletListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=200)
    items = blocks.ListBlock(LabelledItemBlock(), min_num=1)

    graphql_fields = [GraphQLString("heading"), GraphQLStreamfield("items", required=True)]

    class Meta:
        icon = "list-ul"
        label = "Bulleted list"


@register_streamfield_block
class DefinitionListBlock(blocks.StructBlock):
    """Glossary terms referenced, not re-typed: each entry is a chosen DefinitionPage."""

    heading = blocks.CharBlock(required=False, max_length=200)
    # Each row is headed "Term" and shows the chosen term (and abbreviation), which also heads
    # a collapsed row; the chooser finds terms by name, abbreviation or alias. (Rows are not
    # collapsed from the start: a new, empty row would hide its chooser.)
    terms = blocks.ListBlock(DefinitionChooserBlock(label="Term"), min_num=1)

    graphql_fields = [
        GraphQLString("heading"),
        GraphQLField(
            "terms",
            lambda: graphene.NonNull(graphene.List(graphene.NonNull(_definition_page_type()))),
            source="live_terms",
        ),
    ]

    def live_terms(self, info, values, **kwargs):
        from content.models import DefinitionPage

        ids = [page.pk for page in values.get("terms") or [] if page is not None]
        live = DefinitionPage.objects.live().public().in_bulk(ids)
        return [live[pk] for pk in ids if pk in live]

    class Meta:
        icon = "openquote"
        label = "Definition list (glossary terms)"


@register_streamfield_block
class StatisticBlock(ExposesLabelChild, blocks.StructBlock):
    value = blocks.CharBlock(
        max_length=40, help_text="The figure as shown, e.g. “10,000+” or “80%”."
    )
    label = blocks.CharBlock(max_length=200)
    source = blocks.CharBlock(required=False, max_length=200)
    source_url = blocks.URLBlock(required=False)

    graphql_fields = [
        GraphQLString("value", required=True),
        GraphQLString("label", required=True),
        GraphQLString("source"),
        GraphQLString("source_url"),
    ]

    class Meta:
        icon = "success"
        label = "Key figure"


@register_streamfield_block
class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    graphql_fields = [GraphQLString("quote", required=True), GraphQLString("attribution")]

    class Meta:
        icon = "openquote"


@register_streamfield_block
class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(max_length=250, help_text="Describe the image for screen readers.")
    caption = blocks.CharBlock(required=False, max_length=250)

    graphql_fields = [
        GraphQLImage("image", required=True),
        GraphQLString("alt_text", required=True),
        GraphQLString("caption"),
    ]

    class Meta:
        icon = "image"
        label = "Image"


class CountryChoiceBlock(blocks.ChoiceBlock):
    def __init__(self, **kwargs):
        super().__init__(choices=country_choices, **kwargs)


@register_streamfield_block
class JobSearchBlock(blocks.StructBlock):
    """A call to action that points at a job search; frontends render live matches."""

    heading = blocks.CharBlock(max_length=200)
    intro = blocks.RichTextBlock(required=False, features=["bold", "italic", "link"])
    button_label = blocks.CharBlock(max_length=60, default="Browse openings")
    role = SnippetChooserBlock("content.Role", required=False)
    discipline = SnippetChooserBlock("content.Discipline", required=False)
    country = CountryChoiceBlock(required=False)
    remote_only = blocks.BooleanBlock(required=False)

    graphql_fields = [
        # Nullable like every other block's `heading`: GraphQL rejects one field name with
        # two types in the same selection of the body union.
        GraphQLString("heading"),
        GraphQLRichText("intro"),
        GraphQLString("button_label", required=True),
        GraphQLSnippet("role", "content.Role"),
        GraphQLSnippet("discipline", "content.Discipline"),
        GraphQLString("country"),
        GraphQLString("country_name", source="country_label"),
        GraphQLBoolean("remote_only"),
        GraphQLInt("job_count", source="live_job_count"),
        (
            GraphQLField("jobs", _job_page_type, source="live_jobs"),
            lambda of_type: graphene.List(
                graphene.NonNull(of_type),
                required=True,
                limit=graphene.Int(default_value=5, description="At most 20."),
            ),
        ),
    ]

    MAX_JOBS = 20

    def _search(self, values):
        from content.job_search import JobFilters, search_jobs

        filters = JobFilters(
            roles=[values["role"].slug] if values.get("role") else None,
            disciplines=[values["discipline"].slug] if values.get("discipline") else None,
            countries=[values["country"]] if values.get("country") else None,
            remote="REMOTE" if values.get("remote_only") else None,
        )
        return search_jobs(filters)

    def country_label(self, info, values, **kwargs):
        return country_name(values.get("country") or "") or None

    def live_job_count(self, info, values, **kwargs):
        return self._search(values).count()

    def live_jobs(self, info, values, limit=5, **kwargs):
        from content.job_search import with_job_relations

        if limit < 0 or limit > self.MAX_JOBS:
            raise GraphQLError(f"limit must be between 0 and {self.MAX_JOBS}.")
        return list(with_job_relations(self._search(values))[:limit])

    class Meta:
        icon = "search"
        label = "Job search call to action"


class GuideBodyBlock(blocks.StreamBlock):
    heading = SectionHeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]
    )
    bullet_list = BulletListBlock()
    definition_list = DefinitionListBlock()
    statistic = StatisticBlock()
    quote = QuoteBlock()
    image = CaptionedImageBlock()
    job_search = JobSearchBlock()


class DefinitionBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])
    bullet_list = BulletListBlock()
    quote = QuoteBlock()
    image = CaptionedImageBlock()
