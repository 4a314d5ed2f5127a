"""Rich-text links rendered for the public: only public pages and documents get an href.

Wagtail renders `<a linktype="page" id="…">` with the target's URL whether or not it is
published, so a guide linking to a draft would name the draft's URL in every API answer;
likewise a link to a document in a private collection would name the file. Page links point
at the page's public address (content.public_urls), as the API's `url` does.
"""

from django.utils.html import escape
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from content.public_urls import page_url
from content.visibility import is_public_media, public_pages


class PublicPageLinkHandler(PageLinkHandler):
    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list[Page | None]:
        ids = [str(attrs.get("id")) for attrs in attrs_list]
        pages = public_pages(Page.objects.filter(id__in=[i for i in ids if i.isdigit()]))
        by_id = {str(page.id): page for page in pages.defer_streamfields().specific()}
        return [by_id.get(page_id) for page_id in ids]

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        return [
            f'<a href="{escape(page_url(page))}">' if page else "<a>"
            for page in cls.get_many(attrs_list)
        ]


class PublicDocumentLinkHandler(DocumentLinkHandler):
    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list:
        documents = super().get_many(attrs_list)
        return [doc if is_public_media(doc) else None for doc in documents]
