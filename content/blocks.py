"""StreamField blocks for guides: every part of a career guide as structured content."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from content.choosers import DefinitionChooserBlock
from content.iso import country_choices


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

    class Meta:
        icon = "title"
        label = "Section heading"


class LabelledItemBlock(blocks.StructBlock):
    label = blocks.CharBlock(
        required=False, max_length=120, help_text="Optional bold lead-in, e.g. “Programming”."
    )
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    class Meta:
        icon = "list-ul"


class BulletListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=200)
    items = blocks.ListBlock(LabelledItemBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        label = "Bulleted list"


class DefinitionListBlock(blocks.StructBlock):
    """Glossary terms referenced, not re-typed: each entry is a chosen DefinitionPage."""

    heading = blocks.CharBlock(required=False, max_length=200)
    # Each row is headed "Term" and shows the chosen term (and abbreviation), which also heads
    # a collapsed row; the chooser finds terms by name, abbreviation or alias. (Rows are not
    # collapsed from the start: a new, empty row would hide its chooser.)
    terms = blocks.ListBlock(DefinitionChooserBlock(label="Term"), min_num=1)

    class Meta:
        icon = "openquote"
        label = "Definition list (glossary terms)"


class StatisticBlock(blocks.StructBlock):
    value = blocks.CharBlock(
        max_length=40, help_text="The figure as shown, e.g. “10,000+” or “80%”."
    )
    label = blocks.CharBlock(max_length=200)
    source = blocks.CharBlock(required=False, max_length=200)
    source_url = blocks.URLBlock(required=False)

    class Meta:
        icon = "success"
        label = "Key figure"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(max_length=250, help_text="Describe the image for screen readers.")
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        label = "Image"


class CountryChoiceBlock(blocks.ChoiceBlock):
    def __init__(self, **kwargs):
        super().__init__(choices=country_choices, **kwargs)


class JobSearchBlock(blocks.StructBlock):
    """A call to action that points at a job search; frontends render live matches."""

    heading = blocks.CharBlock(max_length=200)
    intro = blocks.RichTextBlock(required=False, features=["bold", "italic", "link"])
    button_label = blocks.CharBlock(max_length=60, default="Browse openings")
    role = SnippetChooserBlock("content.Role", required=False)
    discipline = SnippetChooserBlock("content.Discipline", required=False)
    country = CountryChoiceBlock(required=False)
    remote_only = blocks.BooleanBlock(required=False)

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
