"""schema.org JSON-LD for every page type, ready for a frontend to embed as is.

Built from public content only: a logo or image in a private collection is left out, as the
API's own fields leave it out (content.visibility). URLs are the pages' public addresses
(content.public_urls). Escaping for a <script> element is the API scalar's job
(cms.graphql.core.scalars.JSONString), so the dicts here hold plain text.

`for_page` picks the builder for a page's type. The models do not know about JSON-LD (they
did, as `get_json_ld` methods, which tied content.models, this module and visibility in a
circle): this module depends on the models, never the reverse.
"""

import re
from html import unescape

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import strip_tags

from content.iso import country_name
from content.models import DefinitionPage, GuidePage, HomePage, JobPostingPage, ListingPage
from content.public_urls import page_url
from content.visibility import is_public_media

_SPACES = re.compile(r"\s+")


def _absolute(url: str) -> str:
    return url if "://" in url else settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def _image_url(image, request) -> str | None:
    return _absolute(image.file.url) if is_public_media(image, request) else None


def _publisher() -> dict:
    return {
        "@type": "Organization",
        "name": settings.WAGTAIL_SITE_NAME,
        "url": settings.FRONTEND_BASE_URL or settings.WAGTAILADMIN_BASE_URL,
        "logo": {"@type": "ImageObject", "url": _absolute(static("content/logo.png"))},
    }


def _plain(html: str) -> str:
    return _SPACES.sub(" ", unescape(strip_tags(html or ""))).strip()


def _drop_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def job_posting(job, request=None) -> dict:
    """Google for Jobs: required title, description, datePosted, hiringOrganization,
    jobLocation (or applicantLocationRequirements for remote work); recommended
    validThrough, employmentType, baseSalary, identifier, directApply."""
    institution = job.institution
    country = job.country or institution.country
    place = _drop_empty(
        {
            "@type": "Place",
            "address": _drop_empty(
                {
                    "@type": "PostalAddress",
                    "addressLocality": job.city or institution.city,
                    "addressCountry": country,
                }
            ),
        }
    )
    posted = job.posted_at
    data = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": job.title,
        "description": job.description,
        "datePosted": posted.date().isoformat() if posted else None,
        "validThrough": job.closes_at.isoformat(),
        "employmentType": job.employment_type,
        "hiringOrganization": _drop_empty(
            {
                "@type": "Organization",
                "name": institution.name,
                "sameAs": institution.website_url,
                "logo": _image_url(institution.logo, request) if institution.logo_id else None,
            }
        ),
        "jobLocation": place,
        "identifier": _drop_empty(
            {"@type": "PropertyValue", "name": institution.name, "value": job.reference}
        )
        if job.reference
        else None,
        "url": page_url(job, request),
        "directApply": bool(job.application_url or job.application_email),
        "industry": "Higher education and research",
        "occupationalCategory": job.role.name,
        "keywords": ", ".join(job.keyword_list) or None,
        "educationRequirements": {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": job.education_requirement,
        }
        if job.education_requirement
        else None,
        "startDate": job.start_date.isoformat() if job.start_date else None,
    }
    if job.remote_policy == "REMOTE":
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {
            "@type": "Country",
            "name": country_name(country),
        }
    salary = job.salary_info
    if salary:
        value = {"@type": "QuantitativeValue", "unitText": salary.period}
        if salary.min is not None and salary.max is not None and salary.min != salary.max:
            value["minValue"] = float(salary.min)
            value["maxValue"] = float(salary.max)
        else:
            value["value"] = float(salary.min if salary.min is not None else salary.max)
        data["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": salary.currency,
            "value": value,
        }
    return _drop_empty(data)


def defined_term(definition, request=None, glossary=None) -> dict:
    glossary = glossary or definition.get_parent()
    return _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "DefinedTerm",
            "name": definition.term,
            "alternateName": [
                name for name in [definition.abbreviation, *definition.alias_list] if name
            ],
            "description": definition.short_definition,
            "url": page_url(definition, request),
            "inDefinedTermSet": _drop_empty(
                {
                    "@type": "DefinedTermSet",
                    "name": glossary.title if glossary else "Glossary",
                    "url": page_url(glossary, request) if glossary else None,
                }
            ),
        }
    )


def article(guide, request=None, image=None) -> dict:
    """`image`: the guide's first public image, when the caller has it loaded already."""
    modified = guide.last_published_at
    publisher = _publisher()
    return _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": guide.title,
            "alternativeHeadline": guide.subtitle,
            "description": _plain(guide.summary),
            "url": page_url(guide, request),
            "image": _image_url(image or _first_image(guide, request), request)
            or publisher["logo"]["url"],
            "datePublished": guide.first_published_at.isoformat()
            if guide.first_published_at
            else None,
            "dateModified": modified.isoformat() if modified else None,
            "lastReviewed": guide.last_reviewed.isoformat() if guide.last_reviewed else None,
            "about": guide.discipline.name if guide.discipline_id else None,
            "author": {"@type": "Organization", "name": publisher["name"], "url": publisher["url"]},
            "publisher": publisher,
        }
    )


def collection_page(index_page, request=None) -> dict:
    return _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": index_page.title,
            "url": page_url(index_page, request),
        }
    )


def _first_image(guide, request):
    """The first public image of the guide's body, for the Article's `image`."""
    from wagtail.images import get_image_model

    ids = [
        block["value"].get("image")
        for block in guide.body.raw_data
        if block["type"] == "image" and isinstance(block.get("value"), dict)
    ]
    images = get_image_model().objects.in_bulk([pk for pk in ids if pk])
    return next((images[pk] for pk in ids if is_public_media(images.get(pk), request)), None)


def for_page(page, request=None) -> dict | None:
    """The JSON-LD of any page, or None for a type that has none (a plain Wagtail Page)."""
    builders = (
        (JobPostingPage, job_posting),
        (GuidePage, article),
        (DefinitionPage, defined_term),
        (ListingPage, collection_page),
        (HomePage, collection_page),
    )
    for model, build in builders:
        if isinstance(page, model):
            return build(page, request)
    return None
