"""schema.org JSON-LD for every page type, ready for a frontend to embed as is."""

import re
from html import unescape

from django.conf import settings
from django.utils.html import strip_tags

from content.iso import country_name

_SPACES = re.compile(r"\s+")


def _absolute_url(page) -> str | None:
    url = page.get_full_url()
    if url and url.startswith("/"):
        url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url
    return url


def _plain(html: str) -> str:
    return _SPACES.sub(" ", unescape(strip_tags(html or ""))).strip()


def _drop_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def job_posting(job) -> dict:
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
                "logo": institution.logo.file.url if institution.logo_id else None,
            }
        ),
        "jobLocation": place,
        "identifier": _drop_empty(
            {"@type": "PropertyValue", "name": institution.name, "value": job.reference}
        )
        if job.reference
        else None,
        "url": _absolute_url(job),
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


def defined_term(definition) -> dict:
    glossary = definition.get_parent()
    return _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "DefinedTerm",
            "name": definition.term,
            "alternateName": [
                name for name in [definition.abbreviation, *definition.alias_list] if name
            ],
            "description": definition.short_definition,
            "url": _absolute_url(definition),
            "inDefinedTermSet": _drop_empty(
                {
                    "@type": "DefinedTermSet",
                    "name": glossary.title if glossary else "Glossary",
                    "url": _absolute_url(glossary) if glossary else None,
                }
            ),
        }
    )


def article(guide) -> dict:
    modified = guide.last_published_at
    return _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": guide.title,
            "alternativeHeadline": guide.subtitle,
            "description": _plain(guide.summary),
            "url": _absolute_url(guide),
            "datePublished": guide.first_published_at.isoformat()
            if guide.first_published_at
            else None,
            "dateModified": modified.isoformat() if modified else None,
            "lastReviewed": guide.last_reviewed.isoformat() if guide.last_reviewed else None,
            "about": guide.discipline.name if guide.discipline_id else None,
            "publisher": {"@type": "Organization", "name": settings.WAGTAIL_SITE_NAME},
        }
    )


def collection_page(index_page) -> dict:
    return _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": index_page.title,
            "url": _absolute_url(index_page),
        }
    )
