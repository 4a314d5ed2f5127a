"""The emails: confirmation and digest messages, with their links, branding and list headers."""

import datetime as dt
import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from wagtail.models import Site

from content.iso import country_name
from content.job_fields import names
from content.models import RemotePolicy
from notifications.bounces import return_path
from notifications.mime import Email
from notifications.models import AlertKeyword, EmailBranding, JobAlert
from notifications.tokens import confirm_token, manage_token

logger = logging.getLogger(__name__)


# --- links --------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.NOTIFICATIONS_PUBLIC_BASE_URL.rstrip("/") + path


_TOKEN = "token0"  # stands for a token while reversing a URL once


@lru_cache(maxsize=8)
def _cms_link(name: str, base: str) -> str:
    """The CMS's own page as a "{token}" template: reverse() once, not twice per email."""
    return base.rstrip("/") + reverse(name, args=[_TOKEN]).replace(_TOKEN, "{token}")


def _link(template: str, name: str, token: str) -> str:
    """The frontend's page when one is configured, else the CMS's own."""
    template = template or _cms_link(name, settings.NOTIFICATIONS_PUBLIC_BASE_URL)
    return template.format(token=quote(token, safe=":"))  # as reverse() leaves a token


def confirm_url(subscriber_id: int, alert_id: int) -> str:
    token = confirm_token(subscriber_id, alert_id)
    return _link(settings.NOTIFICATIONS_CONFIRM_URL, "notifications:confirm", token)


def unsubscribe_url(token: str) -> str:
    """The visible unsubscribe link."""
    return _link(settings.NOTIFICATIONS_UNSUBSCRIBE_URL, "notifications:unsubscribe", token)


def one_click_unsubscribe_url(token: str) -> str:
    """List-Unsubscribe's URL: the visible link's page, which takes the RFC 8058 POST too (the
    CMS's view, and the frontend's page through its middleware), so that every link in an
    email leads to the frontend when there is one."""
    return unsubscribe_url(token)


def manage_url(token: str) -> str:
    return settings.NOTIFICATIONS_MANAGE_URL.format(token=quote(token))


def _list_headers(token: str) -> dict[str, str]:
    targets = [f"<{one_click_unsubscribe_url(token)}>"]
    if settings.NOTIFICATIONS_UNSUBSCRIBE_MAILTO:
        targets.append(f"<mailto:{settings.NOTIFICATIONS_UNSUBSCRIBE_MAILTO}?subject=unsubscribe>")
    return {
        "List-Unsubscribe": ", ".join(targets),
        # RFC 8058: mail clients may POST this body to the HTTPS URL to unsubscribe at once.
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": settings.NOTIFICATIONS_LIST_ID,
        "Auto-Submitted": "auto-generated",
    }


# --- branding -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Branding:
    site_name: str
    accent: str
    accent_on_dark: str  # the accent lightened, for links on a dark background
    postal_address: str = ""
    logo_url: str = ""
    logo_width: int = 0
    logo_height: int = 0


def _lighten(colour: str, share: float = 0.45) -> str:
    """Mix a #rrggbb colour with white, so a dark brand colour stays readable in dark mode."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in channels)


def load_branding() -> Branding:
    """The default site's EmailBranding setting, read once per batch."""
    site = Site.objects.filter(is_default_site=True).first()
    setting = EmailBranding.for_site(site) if site else EmailBranding()
    accent = setting.accent_colour
    if len(accent) != 7 or not accent.startswith("#"):  # validated in the form; not in SQL
        accent = EmailBranding._meta.get_field("accent_colour").default
    branding = {
        "site_name": setting.site_name or settings.WAGTAIL_SITE_NAME,
        "accent": accent,
        "accent_on_dark": _lighten(accent),
        "postal_address": setting.postal_address.strip(),
    }
    if setting.logo_id:
        try:
            # Twice the displayed size, for high-density screens.
            rendition = setting.logo.get_rendition("max-360x120")
        except OSError:  # the file went missing: an email without the logo, not no email
            logger.warning("Email logo (image %s) could not be rendered", setting.logo_id)
        else:
            url = rendition.url
            branding.update(
                logo_url=url if "://" in url else _absolute(url),
                logo_width=rendition.width // 2,
                logo_height=rendition.height // 2,
            )
    return Branding(**branding)


@dataclass(frozen=True)
class Chrome:
    """What every email of one branding shares: rendered once, not once per email."""

    styles: str
    header: str
    footer: str


@lru_cache(maxsize=16)
def email_chrome(branding: Branding) -> Chrome:
    context = {"branding": branding}
    return Chrome(
        **{
            part: mark_safe(render_to_string(f"notifications/email/_{part}.html", context))
            for part in ("styles", "header", "footer")
        }
    )


# --- confirmation -------------------------------------------------------------------------------


def render_message(
    template: str, subject: str, to: str, context: dict, subscriber_id: int | None = None
) -> EmailMultiAlternatives:
    """`template`.txt and `template`.html (a template path without its extension)."""
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    path = return_path(to, subscriber_id)
    return Email(to, subject, text, html, headers={}, return_path=path).message()


def _message(template: str, subject: str, to: str, context: dict, subscriber_id=None):
    return render_message(f"notifications/email/{template}", subject, to, context, subscriber_id)


def branded_message(template: str, subject: str, to: str, context: dict) -> EmailMultiAlternatives:
    """An email of ours outside the alerts (e.g. content/employers/requests.py), in the same
    branding and chrome: the context gets `branding`, `chrome` and `site_name`."""
    branding = load_branding()
    context = {
        "branding": branding,
        "chrome": email_chrome(branding),
        "site_name": branding.site_name,
        **context,
    }
    return render_message(template, subject, to, context)


def confirmation_message(subscriber, alert) -> EmailMultiAlternatives:
    """The only email an unconfirmed address ever gets."""
    branding = load_branding()
    context = {
        "branding": branding,
        "chrome": email_chrome(branding),
        "site_name": branding.site_name,
        "confirm_url": confirm_url(subscriber.pk, alert.pk),
        "alert": alert,
        # Which alert this confirms, in the words the digests use for it.
        "alert_title": alert_titles([alert.pk])[alert.pk],
        "valid_days": max(1, settings.NOTIFICATIONS_CONFIRM_MAX_AGE_SECONDS // 86400),
    }
    subject = f"Confirm your job alert at {branding.site_name}"
    return _message("confirm", subject, subscriber.email, context, subscriber.pk)


# --- what an alert is called ------------------------------------------------------------------

_REMOTE_LABELS = dict(RemotePolicy.choices)


def alert_titles(alert_ids) -> dict[int, str]:
    """Each alert named after its criteria, e.g. "PhD studentship · Machine Learning ·
    Germany": what the subscriber asked for, so they can tell their alerts apart. Read as
    plain values (a batch names a few hundred alerts; model instances cost more than the
    whole email)."""
    alert_ids = list(alert_ids)
    criteria: dict[int, dict[str, list[str]]] = {
        pk: {"roles": [], "disciplines": [], "keywords": []} for pk in alert_ids
    }
    through = JobAlert.roles.through.objects.filter(jobalert_id__any_of=alert_ids)
    for pk, name in through.values_list("jobalert_id", "role__name"):
        criteria[pk]["roles"].append(name)
    through = JobAlert.disciplines.through.objects.filter(jobalert_id__any_of=alert_ids)
    for pk, name in through.values_list("jobalert_id", "discipline__name"):
        criteria[pk]["disciplines"].append(name)
    for pk, word in AlertKeyword.objects.filter(alert_id__any_of=alert_ids).values_list(
        "alert_id", "keyword"
    ):
        criteria[pk]["keywords"].append(word)
    alerts = JobAlert.objects.filter(pk__any_of=alert_ids).values_list("pk", "countries", "remote")
    return {
        pk: alert_title(
            roles=criteria[pk]["roles"],
            disciplines=criteria[pk]["disciplines"],
            countries=[code for code in countries.split(",") if code],
            keywords=criteria[pk]["keywords"],
            remote=remote,
        )
        for pk, countries, remote in alerts
    }


def alert_title(*, roles, disciplines, countries, keywords, remote) -> str:
    parts = [
        ", ".join(sorted(roles)),
        ", ".join(sorted(disciplines)),
        ", ".join(country_name(code) for code in countries),
        ", ".join(f"“{word}”" for word in sorted(keywords)),
        _REMOTE_LABELS.get(remote, remote),
    ]
    return " · ".join(part for part in parts if part) or "All new jobs"


# --- one job in a digest ------------------------------------------------------------------------

# What a digest shows of a job (content.job_fields' `email` facts), read as plain values: a
# batch reads a few hundred jobs and needs none of the page machinery. A relation is read
# as the columns of it the entry shows.
_RELATED = {"institution": ("institution__name", "institution__country")}
JOB_FIELDS = (
    "pk",
    "slug",
    *(lookup for name in names(email=True) for lookup in _RELATED.get(name, (name,))),
)

CLOSING_DATE = JOB_FIELDS.index("closing_date")

# Money is written as the frontend writes it (Intl.NumberFormat("en-GB", {style: "currency"}),
# frontend/src/lib/format.ts): "£30,000 – £35,000 a year", the same on the site and in emails.
_PERIODS = {
    "YEAR": "a year",
    "MONTH": "a month",
    "WEEK": "a week",
    "DAY": "a day",
    "HOUR": "an hour",
}
# en-GB's currency symbols; any other currency is written as its code and a space.
_SYMBOLS = {
    "GBP": "£",
    "EUR": "€",
    "USD": "US$",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "HKD": "HK$",
    "CNY": "CN¥",
    "JPY": "JP¥",
    "INR": "₹",
    "KRW": "₩",
    "ILS": "₪",
    "BRL": "R$",
    "MXN": "MX$",
    "TWD": "NT$",
    "VND": "₫",
}


def _amount(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def money_text(value: Decimal, currency: str) -> str:
    """ "£30,000", "US$15.50", "CHF\u00a0100,000" (a no-break space, as Intl writes it)."""
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{_amount(value)}" if symbol else f"{currency}\u00a0{_amount(value)}"


def salary_text(low, high, currency: str, period: str) -> str:
    """ "€45,000 – €52,000 a year", "from £19,237 a year", or "" when not given."""
    if low is None and high is None:
        return ""
    if low is not None and high is not None:
        amount = (
            money_text(low, currency)
            if low == high
            else f"{money_text(low, currency)} – {money_text(high, currency)}"
        )
    elif high is None:
        amount = f"from {money_text(low, currency)}"
    else:
        amount = f"up to {money_text(high, currency)}"
    return f"{amount} {_PERIODS[period]}" if period in _PERIODS else amount


@dataclass(frozen=True)
class JobSummary:
    title: str
    institution: str
    location: str
    remote: str
    salary: str
    funded: bool
    closing_date: dt.date
    url: str


def job_summary(values: tuple) -> JobSummary:
    """A job's digest entry from the values of JOB_FIELDS, in that order."""
    job = dict(zip(JOB_FIELDS, values, strict=True))
    title, city, remote_policy = job["title"], job["city"], job["remote_policy"]
    country = job["country"] or job["institution__country"]
    return JobSummary(
        title=" ".join(title.split()),  # one line in the subject and the text part
        institution=job["institution__name"],
        location=", ".join(part for part in (city, country_name(country)) if part),
        remote=_REMOTE_LABELS.get(remote_policy, remote_policy),
        salary=salary_text(
            job["salary_min"], job["salary_max"], job["salary_currency"], job["salary_period"]
        ),
        funded=job["funded"],
        closing_date=job["closing_date"],
        url=settings.NOTIFICATIONS_JOB_URL.format(slug=quote(job["slug"]), id=job["pk"]),
    )


@dataclass(frozen=True)
class RenderedJob:
    """A job's entry in a digest, rendered once and shared by every email that lists it."""

    title: str
    institution: str
    text: str
    html: str


@lru_cache(maxsize=4096)
def render_job(values: tuple, branding: Branding) -> RenderedJob:
    """A job's entry from its JOB_FIELDS values. Keyed on everything the entry shows, so a
    worker renders each job once across its batches and a changed job (or brand colour) is
    rendered afresh."""
    job = job_summary(values)
    context = {"job": job, "branding": branding}
    return RenderedJob(
        title=job.title,
        institution=job.institution,
        text=render_to_string("notifications/email/job.txt", context),
        html=render_to_string("notifications/email/job.html", context),
    )


# --- the digest ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """The jobs one alert found, under the alert's name."""

    title: str
    jobs: list[RenderedJob]


@lru_cache(maxsize=4096)
def _group_heading(title: str, branding: Branding) -> tuple[str, str]:
    """An alert's heading, rendered once per worker: a batch's emails share their alerts'
    titles many times over."""
    context = {"title": title, "branding": branding}
    return tuple(
        render_to_string(f"notifications/email/group.{ext}", context) for ext in ("txt", "html")
    )


def _groups_text_and_html(groups: list[Group], branding: Branding) -> tuple[str, str]:
    """The body of a digest: each group's heading, then its jobs' entries (each job is
    rendered once per worker by `render_job`, however many emails list it)."""
    text, html = [], []
    for group in groups:
        heading_text, heading_html = _group_heading(group.title, branding)
        text += [heading_text, *(job.text for job in group.jobs)]
        html += [heading_html, *(job.html for job in group.jobs)]
    return "".join(text), mark_safe("".join(html))  # rendered, escaped


# Inbox previews run on into the body after the preheader; these invisible characters fill
# the preview instead. Two lines: a body line must stay under SMTP's 998 characters.
_PREHEADER_PADDING = mark_safe(("&#847;&zwnj;&nbsp;" * 30 + "\n") * 2)


def _preheader(jobs: list[RenderedJob]) -> str:
    """The line inbox lists show after the subject: what the subject does not say."""
    if len(jobs) == 1:
        return f"At {jobs[0].institution}. See the details and apply."
    shown = ", ".join(job.title for job in jobs[:2])
    more = len(jobs) - 2
    return f"{shown} and {more} more" if more > 0 else shown


def digest_context(branding: Branding) -> dict:
    """What the digest templates show that is the same in every email of a branding."""
    return {
        "branding": branding,
        "chrome": email_chrome(branding),
        "preheader_padding": _PREHEADER_PADDING,
    }


# What differs between two digests of one branding: the template is rendered once with a
# stand-in for each (a "frame"), and each email puts its own values in.
_PER_EMAIL = (
    "subject",
    "preheader",
    "heading",
    "groups_text",
    "groups_html",
    "manage_url",
    "unsubscribe_url",
)
_STAND_IN = re.compile("\ue000([a-z_]+)\ue000")


@lru_cache(maxsize=64)
def _frame(template: str, branding: Branding, present: frozenset) -> tuple[str, ...]:
    """`template` rendered with a stand-in for each per-email value (those in `present`
    non-empty, the rest empty, since a template may show a part only when it has a value),
    split at the stand-ins: literal text at even indexes, value names at odd ones."""
    stand_ins = {name: f"\ue000{name}\ue000" if name in present else "" for name in _PER_EMAIL}
    rendered = render_to_string(template, {**digest_context(branding), **stand_ins})
    return tuple(_STAND_IN.split(rendered))


def _fill(template: str, branding: Branding, values: dict, escape) -> str:
    """What render_to_string(template) gives for these per-email values, without rendering
    it per email: `escape` is what the template does to a value (Django's
    `conditional_escape` with autoescape on, nothing with it off)."""
    parts = _frame(template, branding, frozenset(name for name, value in values.items() if value))
    return "".join(
        part if index % 2 == 0 else escape(values[part]) for index, part in enumerate(parts)
    )


def digest_email(subscriber, groups: list[Group], branding: Branding) -> Email:
    """One email with every job of this run for one subscriber, grouped by alert. The
    templates are rendered once per branding (`_frame`); an email's own values go in as the
    templates would put them (tests/notifications/test_email.py compares the two)."""
    token = manage_token(subscriber.pk)
    jobs = [job for group in groups for job in group.jobs]
    if len(jobs) == 1:
        subject = f"New job: {jobs[0].title}"
    else:
        subject = f"{len(jobs)} new jobs matching your alerts"
    groups_text, groups_html = _groups_text_and_html(groups, branding)
    values = {
        "subject": subject,
        "preheader": _preheader(jobs),
        "heading": f"{len(jobs)} new job{'s' if len(jobs) != 1 else ''} for you",
        "groups_text": groups_text,
        "groups_html": groups_html,
        "manage_url": manage_url(token),
        "unsubscribe_url": unsubscribe_url(token),
    }
    return Email(
        to=subscriber.email,
        subject=subject,
        text=_fill("notifications/email/digest.txt", branding, values, str),
        html=_fill("notifications/email/digest.html", branding, values, conditional_escape),
        headers=_list_headers(token),
        return_path=return_path(subscriber.email, subscriber.pk),
    )
