"""GraphQL: core."""
