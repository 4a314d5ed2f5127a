"""The GraphQL schema: grapple's generic queries plus ours (registered in wagtail_hooks),
then hardened as a whole (cms/hardening.py)."""

from grapple.schema import schema

from cms.hardening import harden_schema

harden_schema(schema)

__all__ = ["schema"]
