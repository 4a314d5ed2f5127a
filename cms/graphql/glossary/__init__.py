"""GraphQL: glossary."""
