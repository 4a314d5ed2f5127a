"""GraphQL: pages."""
