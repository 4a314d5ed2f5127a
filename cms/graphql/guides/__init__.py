"""GraphQL: guides."""
