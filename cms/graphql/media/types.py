"""Images and documents, only ever reached through content.visibility's media rule."""

import graphene
from django.conf import settings
from graphql import GraphQLError

RENDITION_ARGS = ("width", "height", "fill", "max", "min", "format")


def rendition_spec(args: dict) -> str:
    """grapple's spelling of a rendition: the given arguments in schema order."""
    return "|".join(f"{name}-{args[name]}" for name in RENDITION_ARGS if args.get(name))


class ImageRenditionObjectType(graphene.ObjectType):
    """A resized copy of an image, made once and kept."""

    filter_spec = graphene.String(required=True, description="The resize rule, e.g. width-640.")
    url = graphene.String(required=True, description="Where the file is served.")
    width = graphene.Int(required=True, description="Width in pixels.")
    height = graphene.Int(required=True, description="Height in pixels.")
    alt = graphene.String(required=True, description="The image's alternative text.")


class ImageObjectType(graphene.ObjectType):
    """An image in a public collection."""

    id = graphene.ID(required=True, description="The image's id.")
    title = graphene.String(required=True, description="The editor's title for the image.")
    description = graphene.String(required=True, description="Alternative text, if given.")
    url = graphene.String(required=True, description="The original file's URL.")
    width = graphene.Int(required=True, description="Original width in pixels.")
    height = graphene.Int(required=True, description="Original height in pixels.")
    aspect_ratio = graphene.Float(required=True, description="Width divided by height.")
    rendition = graphene.Field(
        ImageRenditionObjectType,
        description="A resized copy. Only the filters in GRAPHQL_IMAGE_FILTERS are offered "
        '(e.g. width: 640, format: "webp"); others are an error.',
        width=graphene.Int(description="Resize to this width."),
        height=graphene.Int(description="Resize to this height."),
        fill=graphene.String(description="Crop to fill, e.g. 1200x630."),
        max=graphene.String(description="Fit within, e.g. 800x600."),
        min=graphene.String(description="Cover at least, e.g. 800x600."),
        format=graphene.String(description="Output format: webp, jpeg or png."),
    )

    def resolve_url(image, info):
        return image.file.url

    def resolve_aspect_ratio(image, info):
        return image.width / image.height if image.height else 0.0

    def resolve_rendition(image, info, **args):
        spec = rendition_spec(args)
        offered = settings.GRAPHQL_IMAGE_FILTERS
        if spec not in offered:
            raise GraphQLError(
                f"Rendition {spec!r} is not offered; ask for one of: " + ", ".join(offered) + "."
            )
        rendition = image.get_rendition(spec)
        return ImageRenditionObjectType(
            filter_spec=spec,
            url=rendition.url,
            width=rendition.width,
            height=rendition.height,
            alt=image.default_alt_text or "",
        )

    def resolve_description(image, info):
        return image.description or ""


class DocumentObjectType(graphene.ObjectType):
    """A document in a public collection."""

    id = graphene.ID(required=True, description="The document's id.")
    title = graphene.String(required=True, description="The editor's title for the document.")
    url = graphene.String(required=True, description="Where the file is served.")
    file_size = graphene.Int(description="Size in bytes, when known.")
    created_at = graphene.DateTime(required=True, description="When it was uploaded.")

    def resolve_url(document, info):
        return document.url
