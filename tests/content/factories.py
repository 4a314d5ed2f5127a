"""Factories for tests: taxonomy snippets and pages, built with wagtail-factories."""

import datetime as dt

import factory
import wagtail_factories
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page, Site

from content import lifecycle
from content.models import (
    DefinitionPage,
    Discipline,
    GlossaryIndexPage,
    GuideIndexPage,
    GuidePage,
    Institution,
    JobIndexPage,
    JobPostingPage,
    Role,
)


class DisciplineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discipline
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Discipline {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Role {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"University {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    country = "GB"
    city = factory.Faker("city")
    website_url = factory.LazyAttribute(lambda o: f"https://{o.slug}.example.org")


class JobIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = JobIndexPage

    title = "Jobs"
    slug = "jobs"


class GuideIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = GuideIndexPage

    title = "Guides"
    slug = "guides"


class GlossaryIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = GlossaryIndexPage

    title = "Glossary"
    slug = "glossary"


class JobPostingPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = JobPostingPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"PhD studentship in topic {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    institution = factory.SubFactory(InstitutionFactory)
    role = factory.SubFactory(RoleFactory)
    description = factory.LazyAttribute(lambda o: f"<p>About {o.title}.</p>")
    closing_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    first_published_at = factory.LazyFunction(timezone.now)
    application_url = "https://apply.example.org/"
    salary_min = 20000
    salary_max = 25000
    salary_currency = "GBP"

    @factory.post_generation
    def disciplines(self, create, extracted, **kwargs):
        if create and extracted:
            self.disciplines.set(extracted)
            self.save()

    @factory.post_generation
    def announced(self, create, extracted, **kwargs):
        """A live job is announced to the lifecycle as the bulk path announces what it
        writes (content/lifecycle.py), so what the lifecycle keeps (open job counts) holds
        it. `announced=False` writes the row only, as a path around the lifecycle would."""
        if create and self.live and extracted is not False:
            lifecycle.pages_published([self], lifecycle.Source.WAGTAIL)


class GuidePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = GuidePage

    title = factory.Sequence(lambda n: f"Guide {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "A guide."
    body = factory.LazyFunction(list)


class DefinitionPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = DefinitionPage

    term = factory.Sequence(lambda n: f"Term {n}")
    title = factory.LazyAttribute(lambda o: o.term)
    slug = factory.LazyAttribute(lambda o: slugify(o.term))
    short_definition = factory.LazyAttribute(lambda o: f"{o.term} is a term.")


def site_root() -> Page:
    return Site.objects.get(is_default_site=True).root_page
