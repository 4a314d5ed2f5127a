"""The demo home page. Wagtail installs a plain "Welcome to your new Wagtail site!" page as the
site's root; seeding turns that page into a HomePage in place, so the section pages under it,
and every URL below them, stay exactly where they are."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from wagtail.models import Page, Site

from content.models import GuidePage, HomePage, HomePageFeaturedGuide

TITLE = "Academic jobs and career guides"
INTRO = (
    "Open PhD places, postdocs, fellowships and faculty posts from universities, institutes "
    "and research labs, with guides to what each kind of post asks of you and a glossary of "
    "the words the adverts use."
)
FEATURED_GUIDES = [
    "phd-jobs-in-machine-learning",
    "postdoc-jobs-in-machine-learning",
    "lecturer-jobs-in-computer-science",
]


def seed_home(guides: dict[str, GuidePage]) -> HomePage:
    """The default site's root page as a HomePage: left as it is when it already is one (an
    editor's changes are kept), converted and published when it is Wagtail's default page."""
    root = Site.objects.get(is_default_site=True).root_page
    if root.specific_class is HomePage:
        return root.specific
    if root.specific_class is not Page:
        raise ValidationError(
            f"The default site's root page is a {root.specific_class.__name__}; the demo needs "
            "Wagtail's default page there (to become the home page) or a HomePage."
        )
    # The same row in the page tree, now with a HomePage row of its own.
    home = HomePage(**{field.attname: getattr(root, field.attname) for field in Page._meta.fields})
    home.page_ptr_id = root.pk
    home._state.adding = False  # validated as the existing page it is, not as a new one
    home.content_type = ContentType.objects.get_for_model(HomePage)
    home.title = home.draft_title = TITLE
    home.intro = INTRO
    home.featured_guide_links = [
        HomePageFeaturedGuide(guide=guides[slug]) for slug in FEATURED_GUIDES if slug in guides
    ]
    home.save()
    home.save_revision().publish()
    return home
