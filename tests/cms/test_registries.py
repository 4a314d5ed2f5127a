"""The explicit registries: every Wagtail page type has its GraphQL type (listed in
cms/graphql/page_types.py and registered for PageInterface) and a preview entry; every
StreamField block has a GraphQL type named like its Wagtail class; and schema.graphql does
not depend on the order modules are imported in."""

import os
import subprocess
import sys
from pathlib import Path

from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import Page, get_page_models

from cms.graphql.guides.blocks import BLOCK_TYPES
from cms.graphql.page_types import PAGE_TYPES
from cms.graphql.pages.types import _TYPES_BY_MODEL
from cms.preview import TOKEN_QUERIES

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_model_has_a_listed_graphql_type():
    for model in get_page_models():
        assert model in _TYPES_BY_MODEL, f"{model.__name__}: register it with page_type()"
        assert _TYPES_BY_MODEL[model] in PAGE_TYPES, f"{model.__name__}: add it to PAGE_TYPES"
    assert set(_TYPES_BY_MODEL.values()) == set(PAGE_TYPES)


def test_every_page_model_has_a_preview_entry():
    labels = {model._meta.label_lower for model in get_page_models() if model is not Page}
    assert labels == TOKEN_QUERIES.keys()


def _struct_blocks(block):
    """Every block class a stream can hold, nested ones included (list items, struct
    children)."""
    if isinstance(block, blocks.StreamBlock | blocks.StructBlock):
        for child in block.child_blocks.values():
            yield child
            yield from _struct_blocks(child)
    elif isinstance(block, blocks.ListBlock):
        yield from _struct_blocks(block.child_block)


def test_every_streamfield_block_has_a_graphql_type_named_like_its_class():
    for model in get_page_models():
        for field in model._meta.get_fields():
            if not isinstance(field, StreamField):
                continue
            for name, block in field.stream_block.child_blocks.items():
                type_name = type(block).__name__
                assert type_name in BLOCK_TYPES, f"{model.__name__}.{field.name}.{name}"
                assert BLOCK_TYPES[type_name]._meta.name == type_name
    for graphql_name, graphql_type in BLOCK_TYPES.items():
        assert graphql_type._meta.name == graphql_name


REORDERED = """
import django
django.setup()
# The type modules in the reverse of their usual order, before the schema.
import cms.graphql.jobs.types, cms.graphql.home.types, cms.graphql.guides.types
import cms.graphql.glossary.types, cms.graphql.pages.types
from cms.management.commands.graphql_schema import live_contract
print(live_contract(), end="")
"""


def test_the_schema_does_not_depend_on_import_order():
    printed = subprocess.run(
        [sys.executable, "-c", REORDERED],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert printed == (ROOT / "schema.graphql").read_text()
