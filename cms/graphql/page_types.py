"""Every page type of the API, listed.

The schema's order of types, and the order of the `Search` union's members, follow this
tuple, so schema.graphql does not change when modules are imported in another order. A new
page type is added here, in cms/preview.py's TOKEN_QUERIES, and registered with
`page_type(Model)` (which lets PageInterface resolve a page to its type);
tests/cms/test_registries.py fails until all three are there. Block types are listed the
same way in cms/graphql/guides/blocks.py's BLOCK_TYPES.
"""

from cms.graphql.glossary.types import DefinitionPageType, GlossaryIndexPageType
from cms.graphql.guides.types import GuideIndexPageType, GuidePageType
from cms.graphql.home.types import HomePageType
from cms.graphql.jobs.types import JobIndexPageType, JobPostingPageType
from cms.graphql.pages.types import Page

PAGE_TYPES = (
    Page,
    DefinitionPageType,
    GlossaryIndexPageType,
    GuidePageType,
    GuideIndexPageType,
    HomePageType,
    JobPostingPageType,
    JobIndexPageType,
)
