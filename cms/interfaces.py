from grapple.types.interfaces import PageInterface


class PublicPageInterface(PageInterface):
    pass
