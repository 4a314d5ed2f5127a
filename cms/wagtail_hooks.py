"""Site-wide admin hooks: the employers' admin, and rich-text links to public content only."""

from wagtail import hooks

from cms import (
    activity_report,  # noqa: F401  (registers the posting activity report)
    editorial_admin,  # noqa: F401  (registers the employers' admin and hooks)
    employer_access,  # noqa: F401  (page bulk actions and admin API, scoped)
)
from cms.rich_text import PublicDocumentLinkHandler, PublicPageLinkHandler


@hooks.register("register_rich_text_features", order=1)  # after Wagtail's own link types
def register_public_links(features):
    features.register_link_type(PublicPageLinkHandler)
    features.register_link_type(PublicDocumentLinkHandler)
