"""GraphQL: the site's home page."""
