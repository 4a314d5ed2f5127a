"""Scalars of the public contract whose serialisation is a security rule."""

import json

import graphene

from cms.rich_text import public_html

# Characters that would end or alter a <script> element, or a JavaScript string, when the
# JSON is written into HTML as is; JSON allows each of them as a \u escape.
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def embeddable_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)


class JSONString(graphene.Scalar):
    """A JSON document as a string, safe to write as is inside
    `<script type="application/ld+json">`: `<`, `>`, `&`, U+2028 and U+2029 are escaped."""

    @staticmethod
    def serialize(value):
        return embeddable_json(value)


class RichText(graphene.Scalar):
    """HTML from the rich-text editor, ready to insert: links point at public pages and
    documents only, and http(s), mailto and tel addresses (a link to anything else keeps its
    text and loses its href)."""

    @staticmethod
    def serialize(value):
        # A stored string, or Wagtail's RichText value (a block's default).
        return public_html(getattr(value, "source", value) or "")
