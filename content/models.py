"""Taxonomy snippets and the page types: guides, glossary terms and job postings."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    MultipleChooserPanel,
    TitleFieldPanel,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail_headless_preview.models import HeadlessMixin

from content.blocks import DefinitionBodyBlock, GuideBodyBlock
from content.discipline_tree import DisciplineTree
from content.iso import validate_country_code, validate_currency_code
from content.validators import (
    email_list,
    single_line_errors,
    validate_email_list,
    validate_single_line,
)
from content.values import CountryValue, SalaryValue
from content.widgets import DisciplineTreeCheckboxes, DisciplineTreeRadios, SingleLineTitleInput


def _split_list(raw: str) -> list[str]:
    return [item.strip() for item in (raw or "").split(",") if item.strip()]


class CountryCodeField(models.CharField):
    """An ISO 3166-1 alpha-2 code; the admin shows a select of country names."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 2)
        super().__init__(*args, **kwargs)
        if validate_country_code not in self.validators:
            self.validators.append(validate_country_code)

    def formfield(self, **kwargs):
        from django import forms

        from content.iso import country_choices

        choices = [("", "---------"), *country_choices()] if self.blank else country_choices()
        return forms.TypedChoiceField(
            choices=choices,
            required=not self.blank,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
        )


# --- Taxonomy snippets ---------------------------------------------------------------------


class Discipline(index.Indexed, models.Model):
    name = models.CharField(max_length=120, validators=[validate_single_line])
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldPanel("description"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self):
        if DisciplineTree(Discipline.objects.values_list("id", "parent_id")).would_cycle(
            self.pk, self.parent_id
        ):
            raise ValidationError({"parent": "A discipline cannot sit under itself."})


class Role(index.Indexed, models.Model):
    name = models.CharField(max_length=120, validators=[validate_single_line])
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Institution(index.Indexed, models.Model):
    class Kind(models.TextChoices):
        UNIVERSITY = "UNIVERSITY", "University"
        RESEARCH_INSTITUTE = "RESEARCH_INSTITUTE", "Research institute"
        INDUSTRY_LAB = "INDUSTRY_LAB", "Industry lab"

    name = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=200, unique=True)
    country = CountryCodeField(db_index=True)
    city = models.CharField(max_length=120, blank=True, validators=[validate_single_line])
    website_url = models.URLField(blank=True, validators=[validate_single_line])
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.UNIVERSITY)

    # Lifecycle notices to the institution (notifications/institution_notices.py): who gets
    # them and which ones. Staff edit these in the institution's form.
    notices_email = models.TextField(
        "notices sent to",
        blank=True,
        validators=[validate_email_list],
        help_text=(
            "Addresses for notices about this institution's postings and feeds, one per line "
            "or comma-separated. Empty: the email addresses of the institution's accounts."
        ),
    )
    notify_published = models.BooleanField(
        "a posting went live", default=True, help_text="Once per posting, at its first go-live."
    )
    notify_changes_requested = models.BooleanField(
        "a posting needs changes",
        default=True,
        help_text="A reviewer asked for changes, with the reviewer's comment.",
    )
    notify_closing_soon = models.BooleanField(
        "a posting closes in 3 days", default=True, help_text="Once per posting."
    )
    notify_closed = models.BooleanField(
        "a posting closed",
        default=True,
        help_text="Its closing date passed, or its feed dropped it.",
    )
    notify_feed_problems = models.BooleanField(
        "a feed failed or was paused",
        default=True,
        help_text="The first failure in a row, and the pause after repeated failures.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
        FieldPanel("website_url"),
        FieldPanel("logo"),
        MultiFieldPanel(
            [
                FieldPanel("notices_email"),
                FieldPanel("notify_published"),
                FieldPanel("notify_changes_requested"),
                FieldPanel("notify_closing_soon"),
                FieldPanel("notify_closed"),
                FieldPanel("notify_feed_problems"),
            ],
            heading="Notices",
        ),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("city"),
        index.FilterField("country"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def country_info(self) -> CountryValue:
        return CountryValue(self.country)

    def save(self, *args, **kwargs):
        self.country = (self.country or "").upper()
        super().save(*args, **kwargs)

    def notice_addresses(self) -> list[str]:
        """Who is told about its postings and feeds: `notices_email`, or else its accounts."""
        if self.notices_email.strip():
            return email_list(self.notices_email)
        # `.all()`, so a caller telling many institutions prefetches their members and users
        # once (notifications.institution_notices.record).
        emails = (membership.user.email.strip() for membership in self.memberships.all())
        return sorted({email for email in emails if email})


# --- Pages --------------------------------------------------------------------------------


class SingleLineTitles:
    """Wagtail's own `title` and `seo_title` follow the single-line rule of our fields
    (content.validators): checked in `clean` (admin forms, import, submitJobPosting) and in
    `minimal_clean` (a draft saved in code)."""

    title_fields = ("title", "seo_title")

    def clean(self):
        errors = single_line_errors(self, self.title_fields)
        try:
            super().clean()
        except ValidationError as err:
            errors = err.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def minimal_clean(self):
        errors = single_line_errors(self, self.title_fields)
        if errors:
            raise ValidationError(errors)
        super().minimal_clean()


# Page.content_panels with a title that wraps instead of being clipped.
TITLE_PANELS = [TitleFieldPanel("title", widget=SingleLineTitleInput)]


class ListingPage(SingleLineTitles, HeadlessMixin, Page):
    """A section root (guides, glossary, jobs); one of each per site."""

    intro = models.TextField(blank=True)

    content_panels = [*TITLE_PANELS, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    max_count = 1

    class Meta:
        abstract = True


# --- Home ----------------------------------------------------------------------------------


class HomePage(HeadlessMixin, Page):
    """The site's root page: an introduction, guides the editors pick, and the newest jobs."""

    intro = models.TextField(
        blank=True, help_text="A sentence or two that says what the site offers."
    )
    latest_jobs_count = models.PositiveSmallIntegerField(
        default=6,
        validators=[MaxValueValidator(20)],
        help_text="How many of the newest open jobs the home page lists (0 to 20).",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel(
            "featured_guide_links",
            heading="Featured guides",
            label="Featured guide",
            max_num=6,
            help_text="Shown in this order; drafts and unpublished guides are left out.",
        ),
        FieldPanel("latest_jobs_count"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["content.GuideIndexPage", "content.GlossaryIndexPage", "content.JobIndexPage"]
    max_count = 1


class HomePageFeaturedGuide(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_guide_links")
    guide = models.ForeignKey("content.GuidePage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("guide")]


# --- Guides --------------------------------------------------------------------------------


class GuideIndexPage(ListingPage):
    subpage_types = ["content.GuidePage"]


class GuidePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # modelcluster tells a link whose it is only on save; its own rule (a guide is not
        # related to itself, GuideRelatedGuide.clean) needs to know while it is validated.
        for form in self.formsets["related_guide_links"].forms:
            form.instance.page = self.instance


class GuidePage(SingleLineTitles, HeadlessMixin, Page):
    subtitle = models.CharField(max_length=250, blank=True, validators=[validate_single_line])
    summary = models.TextField(help_text="One or two sentences for listings and search results.")
    role = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="guides"
    )
    discipline = models.ForeignKey(
        Discipline, null=True, blank=True, on_delete=models.SET_NULL, related_name="guides"
    )
    body = StreamField(GuideBodyBlock(), use_json_field=True)
    last_reviewed = models.DateField(null=True, blank=True)
    # Edited as `related_guide_links` (a chooser per guide, in order); read as this relation,
    # through the same rows, by the API and the seeding.
    related_guides = models.ManyToManyField(
        "self",
        through="content.GuideRelatedGuide",
        through_fields=("page", "guide"),
        symmetrical=False,
        blank=True,
        related_name="+",
    )

    content_panels = [
        *TITLE_PANELS,
        FieldPanel("subtitle"),
        FieldPanel("summary"),
        FieldPanel("role"),
        FieldPanel("discipline", widget=DisciplineTreeRadios),
        FieldPanel("body"),
        FieldPanel("last_reviewed"),
        MultipleChooserPanel(
            "related_guide_links",
            chooser_field_name="guide",
            heading="Related guides",
            label="Related guide",
            help_text="Other guides a reader of this one may want next; not this guide itself.",
        ),
    ]
    base_form_class = GuidePageForm
    parent_page_types = ["content.GuideIndexPage"]
    subpage_types = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("subtitle"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("role"),
        index.FilterField("discipline"),
    ]


class GuideRelatedGuide(Orderable):
    page = ParentalKey(GuidePage, on_delete=models.CASCADE, related_name="related_guide_links")
    guide = models.ForeignKey(GuidePage, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("guide")]  # a page chooser of guides: the key's model

    def clean(self):
        if self.page_id is not None and self.guide_id == self.page_id:
            raise ValidationError({"guide": "A guide cannot be related to itself."})


# --- Glossary ------------------------------------------------------------------------------


class GlossaryIndexPage(ListingPage):
    subpage_types = ["content.DefinitionPage"]


class DefinitionPage(SingleLineTitles, HeadlessMixin, Page):
    term = models.CharField(
        max_length=150,
        help_text="The term as it is written, e.g. “Deep Learning”.",
        validators=[validate_single_line],
    )
    abbreviation = models.CharField(
        max_length=30, blank=True, help_text="e.g. PhD, ML.", validators=[validate_single_line]
    )
    short_definition = models.TextField(
        max_length=400,
        help_text="Plain text, one or two sentences. Shown wherever the term is used.",
    )
    body = StreamField(DefinitionBodyBlock(), use_json_field=True, blank=True)
    # `aliases` is taken by Wagtail's page aliasing; GraphQL still calls this `aliases`.
    alternative_names = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other names for the term, separated by commas.",
        validators=[validate_single_line],
    )
    related_terms = ParentalManyToManyField("self", blank=True, symmetrical=False)
    disciplines = ParentalManyToManyField(Discipline, blank=True, related_name="definitions")

    content_panels = [
        *TITLE_PANELS,
        FieldRowPanel([FieldPanel("term"), FieldPanel("abbreviation")]),
        FieldPanel("short_definition"),
        FieldPanel("body"),
        FieldPanel("alternative_names"),
        FieldPanel("related_terms"),
        FieldPanel("disciplines", widget=DisciplineTreeCheckboxes),
    ]
    parent_page_types = ["content.GlossaryIndexPage"]
    subpage_types = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("term"),
        index.AutocompleteField("term"),
        index.SearchField("abbreviation"),
        index.SearchField("short_definition"),
        index.SearchField("alternative_names"),
        index.SearchField("body"),
        index.FilterField("term"),
    ]

    @property
    def alias_list(self) -> list[str]:
        return _split_list(self.alternative_names)


# --- Jobs ----------------------------------------------------------------------------------


class RemotePolicy(models.TextChoices):
    ON_SITE = "ON_SITE", "On-site"
    HYBRID = "HYBRID", "Hybrid"
    REMOTE = "REMOTE", "Remote"


class EmploymentType(models.TextChoices):
    """schema.org JobPosting employmentType values."""

    FULL_TIME = "FULL_TIME", "Full time"
    PART_TIME = "PART_TIME", "Part time"
    CONTRACTOR = "CONTRACTOR", "Contractor"
    TEMPORARY = "TEMPORARY", "Temporary"
    INTERN = "INTERN", "Intern"
    VOLUNTEER = "VOLUNTEER", "Volunteer"
    PER_DIEM = "PER_DIEM", "Per diem"
    OTHER = "OTHER", "Other"


class ContractType(models.TextChoices):
    PERMANENT = "PERMANENT", "Permanent"
    FIXED_TERM = "FIXED_TERM", "Fixed term"


class SalaryPeriod(models.TextChoices):
    YEAR = "YEAR", "Per year"
    MONTH = "MONTH", "Per month"
    WEEK = "WEEK", "Per week"
    DAY = "DAY", "Per day"
    HOUR = "HOUR", "Per hour"


class EducationRequirement(models.TextChoices):
    NONE = "", "Not specified"
    HIGH_SCHOOL = "high school", "High school"
    BACHELOR = "bachelor degree", "Bachelor's degree"
    POSTGRADUATE = "postgraduate degree", "Postgraduate degree (master's or PhD)"
    PROFESSIONAL_CERTIFICATE = "professional certificate", "Professional certificate"


MAX_DURATION_MONTHS = 240  # twenty years: longer is a typing mistake, not a contract


class JobIndexPage(ListingPage):
    subpage_types = ["content.JobPostingPage"]


# The columns the job filters most used compare (content.job_search.FILTERS), carried by the
# newest-first indexes (PostgreSQL only: SQLite has no INCLUDE and builds them without).
NEWEST_INCLUDE = ["closing_date", "country", "role", "institution", "remote_policy", "funded"]


class JobPostingPage(SingleLineTitles, HeadlessMixin, Page):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="jobs")
    department = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    city = models.CharField(max_length=120, blank=True, validators=[validate_single_line])
    country = CountryCodeField(
        blank=True, help_text="Leave blank to use the institution's country."
    )
    remote_policy = models.CharField(
        max_length=8, choices=RemotePolicy.choices, default=RemotePolicy.ON_SITE
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="jobs")
    disciplines = ParentalManyToManyField(Discipline, blank=True, related_name="jobs")
    employment_type = models.CharField(
        max_length=12, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME
    )
    contract_type = models.CharField(
        max_length=12, choices=ContractType.choices, default=ContractType.FIXED_TERM
    )
    duration_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="For fixed-term contracts.",
        # Explicit: SQLite would store any size, PostgreSQL's smallint stops at 32767.
        validators=[MaxValueValidator(MAX_DURATION_MONTHS)],
    )
    salary_min = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    salary_max = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    salary_currency = models.CharField(
        max_length=3,
        blank=True,
        validators=[validate_currency_code],
        help_text="ISO 4217 code, e.g. GBP, EUR, USD.",
    )
    salary_period = models.CharField(
        max_length=5, choices=SalaryPeriod.choices, default=SalaryPeriod.YEAR
    )
    funded = models.BooleanField(default=False, help_text="Fully funded (e.g. a PhD studentship).")
    funding_details = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    closing_date = models.DateField(
        help_text="Applications close at the end of this day; the posting then expires."
    )
    description = RichTextField()
    requirements = RichTextField(blank=True)
    how_to_apply = RichTextField(blank=True)
    application_url = models.URLField(
        "application URL",
        blank=True,
        max_length=500,
        help_text="The page where candidates apply online. Give this, an email below, or both.",
        validators=[validate_single_line],
    )
    application_email = models.EmailField(
        blank=True,
        help_text="Where candidates send applications. Give this, a URL above, or both.",
        validators=[validate_single_line],
    )
    reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="The employer's reference.",
        validators=[validate_single_line],
    )
    education_requirement = models.CharField(
        max_length=32, choices=EducationRequirement.choices, blank=True
    )
    keywords = models.CharField(
        max_length=500,
        blank=True,
        help_text="Separated by commas.",
        validators=[validate_single_line],
    )
    # Kept from first_published_at (or go_live_at) on every save, on this table, so that the
    # newest-first listing walks one index instead of sorting every open job per request.
    posted_at = models.DateTimeField(null=True, blank=True, editable=False)

    content_panels = [
        *TITLE_PANELS,
        MultiFieldPanel(
            [
                FieldPanel("institution"),
                FieldPanel("department"),
                FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
                FieldPanel("remote_policy"),
            ],
            heading="Where",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("role"), FieldPanel("employment_type")]),
                FieldPanel("disciplines", widget=DisciplineTreeCheckboxes),
                FieldRowPanel([FieldPanel("contract_type"), FieldPanel("duration_months")]),
                FieldPanel("education_requirement"),
            ],
            heading="Position",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("salary_min"), FieldPanel("salary_max")]),
                FieldRowPanel([FieldPanel("salary_currency"), FieldPanel("salary_period")]),
                FieldPanel("funded"),
                FieldPanel("funding_details"),
            ],
            heading="Salary or stipend",
        ),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("closing_date")], heading="Dates"),
        FieldPanel("description"),
        FieldPanel("requirements"),
        FieldPanel("how_to_apply"),
        MultiFieldPanel(
            [
                FieldPanel("application_url"),
                FieldPanel("application_email"),
                FieldPanel("reference"),
                FieldPanel("keywords"),
            ],
            heading="Applying",
            help_text=(
                "Give at least one way to apply: an application URL, an application email, "
                "or both. The posting cannot be saved without one."
            ),
        ),
    ]
    parent_page_types = ["content.JobIndexPage"]
    subpage_types = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.SearchField("requirements"),
        index.SearchField("department"),
        index.SearchField("city"),
        index.SearchField("keywords"),
        index.RelatedFields("institution", [index.SearchField("name")]),
        index.RelatedFields("role", [index.SearchField("name")]),
        index.RelatedFields("disciplines", [index.SearchField("name")]),
        index.FilterField("closing_date"),
        index.FilterField("expire_at"),
        index.FilterField("country"),
        index.FilterField("remote_policy"),
        index.FilterField("employment_type"),
        index.FilterField("funded"),
        index.FilterField("institution"),  # the admin's searches for institution accounts
    ]

    class Meta:
        indexes = [
            models.Index(fields=["closing_date"], name="job_closing_date_idx"),
            models.Index(fields=["country", "closing_date"], name="job_country_closing_idx"),
            models.Index(fields=["reference"], name="job_reference_idx"),
            # Newest first, walked until a page is full: a listing's or a call to action's
            # filters are checked on the index's own columns (an index-only walk on
            # PostgreSQL); a country's jobs have a walk of their own, and so has the
            # CLOSING_SOON order.
            models.Index(
                fields=["-posted_at", "-page_ptr"], include=NEWEST_INCLUDE, name="job_newest_idx"
            ),
            models.Index(
                fields=["country", "-posted_at", "-page_ptr"],
                include=[name for name in NEWEST_INCLUDE if name != "country"],
                name="job_country_newest_idx",
            ),
            models.Index(
                fields=["closing_date", "-posted_at", "-page_ptr"],
                include=[name for name in NEWEST_INCLUDE if name != "closing_date"],
                name="job_closing_soon_idx",
            ),
            # PostgreSQL search joins index entries on `object_id = page_ptr_id::varchar(50)`;
            # this lets it look jobs up from the matches instead of scanning every job
            # (the GIN index on the entries' `title || body` is in migration 0004).
            models.Index(
                Cast("page_ptr", output_field=models.CharField(max_length=50)),
                name="job_page_id_text_idx",
            ),
            # Counting open jobs is an index-only scan on PostgreSQL thanks to two covering
            # indexes in migration 0005 (raw SQL: SQLite has no INCLUDE).
        ]

    @property
    def country_info(self) -> CountryValue:
        return CountryValue(self.country or self.institution.country)

    @property
    def salary_info(self) -> SalaryValue | None:
        if self.salary_min is None and self.salary_max is None:
            return None
        return SalaryValue(
            self.salary_min, self.salary_max, self.salary_currency, self.salary_period
        )

    @property
    def keyword_list(self) -> list[str]:
        return _split_list(self.keywords)

    @cached_property
    def closes_at(self) -> dt.datetime:
        """The moment applications close: the end of the closing date, in the site's zone."""
        next_day = self.closing_date + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(next_day, dt.time.min))

    # The fields whose values clean()'s rules compare.
    _COMPARED = ("start_date", "closing_date", "salary_min", "salary_max", "duration_months")

    def clean_fields(self, exclude=None):
        """Django's, noting the compared fields' values that passed it, so that clean() (which
        full_clean runs next) does not validate them a second time."""
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as err:
            errors = err.error_dict
            raise
        finally:
            field = self._meta.get_field
            self._passed = {
                name: getattr(self, name)
                for name in self._COMPARED
                if name not in (exclude or ())
                and name not in errors
                and getattr(self, name) not in field(name).empty_values
            }

    def _checked(self, name: str):
        """The field's value as its own validation leaves it, or None when that fails.

        `full_clean` runs `clean` even after a field failed (it reports both), leaving the
        raw input on the instance: "NaN", "1e30", "abc", a date that does not exist. The
        rules below compare values, so they take only values that passed: the value
        clean_fields left, if it is still the field's, else the field's own clean."""
        value = getattr(self, name)
        passed = self.__dict__.get("_passed", {})
        if name in passed and passed[name] is value:
            return value
        try:
            return self._meta.get_field(name).clean(value, self)
        except ValidationError:
            return None

    def clean(self):
        try:
            self._check_rules()
        finally:
            self.__dict__.pop("_passed", None)

    def _check_rules(self):
        errors = {}
        try:
            super().clean()  # the title's and slug's errors, reported with ours
        except ValidationError as err:
            errors = err.update_error_dict(errors)
        start, closing = self._checked("start_date"), self._checked("closing_date")
        if start and closing and closing > start:
            errors["closing_date"] = (
                f"Applications must close on or before the start date ({start:%d %b %Y})."
            )
        salary_min, salary_max = self._checked("salary_min"), self._checked("salary_max")
        if salary_min is not None and salary_max is not None and salary_min > salary_max:
            errors["salary_min"] = "The minimum salary is higher than the maximum."
        for field, amount in (("salary_min", salary_min), ("salary_max", salary_max)):
            if amount is not None and amount < 0:
                errors[field] = "A salary cannot be negative."
        if (
            self.salary_min is not None or self.salary_max is not None
        ) and not self.salary_currency:
            errors["salary_currency"] = "Give the currency of the salary, e.g. GBP or USD."
        if self.salary_currency:
            self.salary_currency = self.salary_currency.upper()
            try:
                validate_currency_code(self.salary_currency)
            except ValidationError as err:
                errors["salary_currency"] = err.messages[0]
        if not self.application_url and not self.application_email:
            errors["application_url"] = (
                "Give an application URL or an application email, so candidates can apply."
            )
        duration = self._checked("duration_months")
        if self.contract_type == ContractType.FIXED_TERM and duration == 0:
            errors["duration_months"] = "A fixed-term contract lasts at least one month."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.posted_at = self.first_published_at or self.go_live_at
        self.country = (self.country or "").upper()
        if not self.country and self.institution_id:
            self.country = self.institution.country
        if not self.city and self.institution_id:
            self.city = self.institution.city
        if self.closing_date:
            # The closing date is the single source of truth for expiry.
            if isinstance(self.closing_date, str):
                self.closing_date = dt.date.fromisoformat(self.closing_date)
            self.__dict__.pop("closes_at", None)
            self.expire_at = self.closes_at
        super().save(*args, **kwargs)

    def with_content_json(self, content):
        # Revisions restore expire_at from their JSON; the closing date still rules.
        page = super().with_content_json(content)
        if page.closing_date:
            page.expire_at = page.closes_at
        return page


# --- Employers (issue 5): institution accounts and API keys ----------------------------------


class InstitutionMembership(models.Model):
    """A Wagtail user who posts jobs for one institution and sees only its postings."""

    user = models.OneToOneField(
        "auth.User", on_delete=models.CASCADE, related_name="institution_membership"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships"
    )

    panels = [FieldPanel("user"), FieldPanel("institution")]

    def __str__(self):
        return f"{self.user} → {self.institution}"


class EmployerApiKey(models.Model):
    """A key an employer's system sends as `Authorization: Bearer <key>`; only its hash is kept."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(
        max_length=100,
        help_text="What uses the key, e.g. “HR system”.",
        validators=[validate_single_line],
    )
    prefix = models.CharField(max_length=12, editable=False, help_text="Start of the key.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(default=True, help_text="Untick to revoke the key.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    panels = [FieldPanel("name"), FieldPanel("institution"), FieldPanel("active")]

    class Meta:
        verbose_name = "employer API key"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


# --- Open jobs counted as the lifecycle changes them (issue 25): content/open_counts.py ------


class CountedJob(models.Model):
    """A job as content/open_counts.py last counted it: what it adds to `OpenJobCount`, so
    the next change to it can take exactly that away again. A row per job that is live and
    not hidden (its dates are compared when counts are read)."""

    job_id = models.BigIntegerField(primary_key=True)
    closing_date = models.DateField(null=True)
    go_live_at = models.DateTimeField(null=True)
    expire_at = models.DateTimeField(null=True)
    role_id = models.BigIntegerField(null=True)
    institution_id = models.BigIntegerField(null=True)
    country = models.CharField(max_length=2, blank=True)
    remote_policy = models.CharField(max_length=20, blank=True)
    # Its disciplines' ids, ascending, comma-separated ("" for none).
    disciplines = models.CharField(max_length=500, blank=True)
    funded = models.BooleanField(default=False)

    def __str__(self):
        return f"job {self.job_id}"


class OpenJobCount(models.Model):
    """How many live, unhidden jobs have a value (`key`) of a `dimension` and these dates:
    the open ones of a day are the rows whose dates make a job open then, summed."""

    dimension = models.CharField(max_length=20)
    key = models.CharField(max_length=500)
    closing_date = models.DateField(null=True)
    go_live_at = models.DateTimeField(null=True)
    expire_at = models.DateTimeField(null=True)
    n = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["dimension", "key", "closing_date"], name="open_job_count_idx"),
        ]

    def __str__(self):
        return f"{self.dimension} {self.key} closing {self.closing_date}: {self.n}"


# --- Bulk imports and employers' feeds (issue 12), institutions' account requests (issue 22) ----

from content.employers.models import InstitutionAccountRequest  # noqa: E402, F401
from content.imports.models import FeedFormat, ImportedJob, JobFeed, JobFeedRun  # noqa: E402, F401
