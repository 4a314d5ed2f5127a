"""`home`: the default site's root page, when it is a public home page."""

import graphene
from wagtail.models import Site

from cms.graphql.home.types import HomePageType
from content.models import HomePage
from content.visibility import public_pages


class HomeQuery(graphene.ObjectType):
    home = graphene.Field(
        HomePageType, description="The site's home page (null if it is not published)."
    )

    def resolve_home(root, info):
        site = Site.find_for_request(info.context)
        if site is None:
            return None
        return public_pages(HomePage.objects.filter(pk=site.root_page_id), info.context).first()
