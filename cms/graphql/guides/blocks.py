"""StreamField blocks of guides and glossary terms, typed one by one.

Bodies are read from the stored JSON (`raw_data`), not through Wagtail's block values:
chooser blocks there load their objects one stream at a time, while here every id of a
page of results is collected first and loaded once per kind (`prime_bodies`). What a block
points at goes through content.visibility: a term that is not public is left out of its
list, and an image block whose image is private is left out of the body.
"""

import graphene
from django.utils.text import slugify

from cms.graphql.core.scalars import RichText
from cms.graphql.glossary.loaders import DefinitionByIdLoader
from cms.graphql.guides.loaders import MAX_CTA_JOBS, JobsBySearchLoader, newest_jobs, search_key
from cms.graphql.media.loaders import ImageByIdLoader
from cms.graphql.media.types import ImageObjectType
from cms.graphql.pages.loaders import LinkedPageByIdLoader
from cms.graphql.taxonomy.loaders import DisciplineByIdLoader, RoleByIdLoader
from cms.graphql.taxonomy.types import Discipline, Role
from cms.rich_text import page_link_ids, public_html
from content.iso import country_name

# Struct children that hold ids, and the loader for each.
CHOSEN = {
    "terms": DefinitionByIdLoader,
    "image": ImageByIdLoader,
    "role": RoleByIdLoader,
    "discipline": DisciplineByIdLoader,
}


def _items(raw_list) -> list:
    """A ListBlock's stored items: new-style `{"type": "item", "value": ...}` or plain."""
    return [
        item["value"] if isinstance(item, dict) and item.get("type") == "item" else item
        for item in raw_list or []
    ]


def _node(name: str, block, raw_value, block_id=None) -> dict:
    """What a block type's fields read: the struct's values by child name, and the
    interface's `id`, `blockType` and `field`."""
    node = {"id": block_id, "block_type": type(block).__name__, "field": name}
    if hasattr(block, "child_blocks"):
        raw_value = raw_value if isinstance(raw_value, dict) else {}
        for child_name, child in block.child_blocks.items():
            node[child_name] = raw_value.get(child_name, child.get_default())
    else:
        node["value"] = raw_value
    return node


def _chosen_ids(raw_stream) -> dict[str, list]:
    ids: dict[str, list] = {name: [] for name in CHOSEN}
    for block in raw_stream:
        value = block.get("value")
        if not isinstance(value, dict):
            continue
        for name in CHOSEN:
            chosen = value.get(name)
            chosen = _items(chosen) if isinstance(chosen, list) else [chosen]
            ids[name] += [pk for pk in chosen if isinstance(pk, int)]
    return ids


def _texts(value):
    """Every string of a stored block value (its rich text among them)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def rich_text(value, info) -> str:
    """A block's rich text as the API sends it (cms.rich_text.public_html), its page links
    found by the request's loader: those of every body of the request at once."""
    return public_html(getattr(value, "source", value) or "", LinkedPageByIdLoader.of(info).find)


def prime_bodies(info, streams) -> None:
    """Load every object the given bodies choose, one query per kind for all of them, and
    announce the pages their rich text links to."""
    wanted: dict[str, list] = {name: [] for name in CHOSEN}
    links = []
    for stream in streams:
        for name, ids in _chosen_ids(stream.raw_data).items():
            wanted[name] += ids
        for raw in stream.raw_data:
            links += [pk for text in _texts(raw.get("value")) for pk in page_link_ids(text)]
    for name, ids in wanted.items():
        if ids:
            CHOSEN[name].of(info).load_many(ids)
    LinkedPageByIdLoader.of(info).want(links)
    # Their call-to-action searches run together, when the first block asks for its jobs.
    JobsBySearchLoader.of(info).want(
        _cta_search(raw["value"], info)
        for stream in streams
        for raw in stream.raw_data
        if raw.get("type") == "job_search" and isinstance(raw.get("value"), dict)
    )


def first_image(stream, info):
    """The first public image a body shows (for a guide's JSON-LD), or None."""
    for raw in stream.raw_data:
        value = raw.get("value")
        if raw.get("type") == "image" and isinstance(value, dict):
            image = ImageByIdLoader.of(info).load(value.get("image"))
            if image is not None:
                return image
    return None


def resolve_body(stream, info) -> list[dict]:
    prime_bodies(info, [stream])
    nodes = []
    for raw in stream.raw_data:
        block = stream.stream_block.child_blocks.get(raw.get("type"))
        if block is None:
            continue  # a block type removed since this was saved
        node = _node(raw["type"], block, raw.get("value"), raw.get("id"))
        if "image" in node and ImageByIdLoader.of(info).load(node["image"]) is None:
            continue
        nodes.append(node)
    return nodes


class StreamFieldInterface(graphene.Interface):
    """One block of a body. Ask for a block's own fields with `... on SectionHeadingBlock`."""

    id = graphene.String(description="The block's stable id within the body.")
    block_type = graphene.String(required=True, description="The block type's name.")
    field = graphene.String(required=True, description="The block's name in the body.")

    @classmethod
    def resolve_type(cls, node, info):
        return BLOCK_TYPES[node["block_type"]]


class _Block:
    """Meta of every block type."""

    interfaces = (StreamFieldInterface,)


class SectionHeadingBlock(graphene.ObjectType):
    """A section heading, with an optional icon and an anchor for in-page links."""

    Meta = _Block
    text = graphene.String(required=True, description="The heading text.")
    level = graphene.String(required=True, description="h2 (section) or h3 (subsection).")
    icon = graphene.String(description="An emoji or icon name to show before it.")
    anchor = graphene.String(required=True, description="Fragment id for links to it.")

    def resolve_anchor(node, info):
        return node["anchor"] or slugify(node["text"] or "")


class RichTextBlock(graphene.ObjectType):
    """A paragraph of rich text."""

    Meta = _Block
    value = graphene.String(required=True, description="The paragraph (HTML).")

    def resolve_value(node, info):
        return rich_text(node["value"], info)


class LabelledItemBlock(graphene.ObjectType):
    """A list item, optionally led by a bold label ("Programming: Python, R")."""

    Meta = _Block
    label = graphene.String(description="The bold lead-in, if any.")
    text = RichText(required=True, description="The item (HTML).")

    def resolve_text(node, info):
        return rich_text(node["text"], info)


class BulletListBlock(graphene.ObjectType):
    """A bulleted list, optionally headed."""

    Meta = _Block
    heading = graphene.String(description="The list's heading, if any.")
    items = graphene.List(
        graphene.NonNull(LabelledItemBlock), required=True, description="The items, in order."
    )

    def resolve_items(node, info):
        from content.blocks import LabelledItemBlock as ItemBlock

        return [_node("item", ItemBlock(), item) for item in _items(node["items"])]


class DefinitionListBlock(graphene.ObjectType):
    """Glossary terms, referenced rather than re-typed."""

    Meta = _Block
    heading = graphene.String(description="The list's heading, if any.")
    terms = graphene.List(
        graphene.NonNull("cms.graphql.glossary.types.DefinitionPageType"),
        required=True,
        description="The public terms, in the editor's order.",
    )

    def resolve_terms(node, info):
        terms = DefinitionByIdLoader.of(info).load_many(_items(node["terms"]))
        return [term for term in terms if term is not None]


class StatisticBlock(graphene.ObjectType):
    """A key figure with its source."""

    Meta = _Block
    value = graphene.String(required=True, description="The figure as shown, e.g. 80%.")
    label = graphene.String(required=True, description="What the figure measures.")
    source = graphene.String(description="Where it comes from.")
    source_url = graphene.String(description="A link to the source.")


class QuoteBlock(graphene.ObjectType):
    """A quotation."""

    Meta = _Block
    quote = graphene.String(required=True, description="The quoted text.")
    attribution = graphene.String(description="Who said it.")


class CaptionedImageBlock(graphene.ObjectType):
    """An image with alternative text and an optional caption."""

    Meta = _Block
    image = graphene.Field(ImageObjectType, required=True, description="The image.")
    alt_text = graphene.String(required=True, description="Text for screen readers.")
    caption = graphene.String(description="The caption, if any.")

    def resolve_image(node, info):
        return ImageByIdLoader.of(info).load(node["image"])


class JobSearchBlock(graphene.ObjectType):
    """A call to action pointing at a job search; `jobs` are its live matches."""

    Meta = _Block
    heading = graphene.String(description="The call to action's heading.")
    intro = RichText(description="A short introduction (HTML).")
    button_label = graphene.String(required=True, description="The button's text.")
    role = graphene.Field(Role, description="The role searched for, if any.")
    discipline = graphene.Field(Discipline, description="The discipline searched for, if any.")
    country = graphene.String(description="The ISO code of the country searched for, if any.")
    country_name = graphene.String(description="That country's name.")
    remote_only = graphene.Boolean(description="Whether only remote jobs are searched for.")
    job_count = graphene.Int(description="How many open jobs match.")
    jobs = graphene.List(
        graphene.NonNull("cms.graphql.jobs.types.JobPostingPageType"),
        required=True,
        description="The newest matching open jobs.",
        limit=graphene.Int(default_value=5, description=f"How many, 0 to {MAX_CTA_JOBS}."),
    )

    def resolve_intro(node, info):
        return None if node["intro"] is None else rich_text(node["intro"], info)

    def resolve_role(node, info):
        return RoleByIdLoader.of(info).load(node["role"])

    def resolve_discipline(node, info):
        return DisciplineByIdLoader.of(info).load(node["discipline"])

    def resolve_country_name(node, info):
        return country_name(node["country"] or "") or None

    def resolve_job_count(node, info):
        return JobsBySearchLoader.of(info).load(_cta_search(node, info))[1]

    def resolve_jobs(node, info, limit):
        from graphql import GraphQLError

        if not 0 <= limit <= MAX_CTA_JOBS:
            raise GraphQLError(f"limit must be between 0 and {MAX_CTA_JOBS}.")
        return newest_jobs(info, _cta_search(node, info), limit)


def _cta_search(value: dict, info) -> tuple:
    """The job search a call to action stands for (filters of content.job_search.FILTERS),
    as a JobsBySearchLoader key. A role or discipline since deleted is left out."""
    role = RoleByIdLoader.of(info).load(value.get("role"))
    discipline = DisciplineByIdLoader.of(info).load(value.get("discipline"))
    return search_key(
        {
            "roles": (role.slug,) if role else None,
            "disciplines": (discipline.slug,) if discipline else None,
            "countries": (value["country"],) if value.get("country") else None,
            "remote": "REMOTE" if value.get("remote_only") else None,
        }
    )


BLOCK_TYPES = {
    block_type._meta.name: block_type
    for block_type in (
        SectionHeadingBlock,
        RichTextBlock,
        LabelledItemBlock,
        BulletListBlock,
        DefinitionListBlock,
        StatisticBlock,
        QuoteBlock,
        CaptionedImageBlock,
        JobSearchBlock,
    )
}
