"""The GraphQL schema: grapple's generic queries plus ours (registered in wagtail_hooks)."""

from grapple.schema import schema

__all__ = ["schema"]
