"""What bulk imports remember: each imported job's content fingerprint, and employers' feeds
with a log of their runs. Imported by content/models.py."""

import datetime as dt

from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone

from content.imports.safe_fetch import validate_url
from content.validators import validate_single_line


class ImportedJob(models.Model):
    """The fingerprint of the row a job was last imported from, and the revision that import
    wrote. A row with the same fingerprint is unchanged only while that revision is still the
    job's latest: an editor's later edit makes the next import compare field by field."""

    job = models.OneToOneField(
        "content.JobPostingPage",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="import_state",
    )
    fingerprint = models.CharField(max_length=64)
    revision_id = models.BigIntegerField(null=True)
    # The feed that last wrote the job, if any: a feed closes its jobs that it stops listing.
    feed = models.ForeignKey(
        "content.JobFeed", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )

    def __str__(self):
        return f"Import state of job #{self.job_id}"


class FeedFormat(models.TextChoices):
    JSON_LD = "JSON_LD", "schema.org JobPosting JSON-LD (a list or @graph)"
    CSV = "CSV", "CSV with a column mapping"
    XML = "XML", "XML job feed (<job> elements)"


class JobFeed(models.Model):
    """An employer's feed of postings, fetched on a schedule and imported in bulk."""

    institution = models.ForeignKey(
        "content.Institution", on_delete=models.CASCADE, related_name="feeds"
    )
    name = models.CharField(
        max_length=120,
        help_text="What the feed is, e.g. “HR system”.",
        validators=[validate_single_line],
    )
    url = models.URLField(
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"]), validate_url, validate_single_line],
        help_text="An http(s) URL the feed is fetched from.",
    )
    format = models.CharField(max_length=8, choices=FeedFormat.choices, default=FeedFormat.JSON_LD)
    column_mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "CSV and XML: the feed's column or element names mapped to ours, e.g. "
            '{"Job title": "title", "Closes": "closing_date"}. Unmapped names are used as is.'
        ),
    )
    interval_minutes = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(5)],
        help_text="How often the feed is fetched (minutes, at least 5).",
    )
    publish_directly = models.BooleanField(
        default=False,
        help_text="Publish postings at once instead of sending them to moderation. "
        "Only an editor may set this, for a trusted institution.",
    )
    active = models.BooleanField(default=True, help_text="Paused feeds are not fetched.")
    owner = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who is emailed when the feed keeps failing.",
    )
    # Conditional requests: what the server last said, sent back on the next fetch.
    etag = models.CharField(max_length=200, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveSmallIntegerField(default=0, editable=False)
    paused_reason = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.institution})"

    def is_due(self, now: dt.datetime | None = None) -> bool:
        if not self.active:
            return False
        if self.last_fetched_at is None:
            return True
        now = now or timezone.now()
        return now - self.last_fetched_at >= dt.timedelta(minutes=self.interval_minutes)


class JobFeedRun(models.Model):
    """One fetch and import of a feed: its counts, its errors, and how far it has got."""

    class Status(models.TextChoices):
        RUNNING = "RUNNING", "Running"
        NOT_MODIFIED = "NOT_MODIFIED", "Not modified"
        SUCCEEDED = "SUCCEEDED", "Succeeded"
        PARTIAL = "PARTIAL", "Imported, some rows failed"
        FAILED = "FAILED", "Failed"

    feed = models.ForeignKey(JobFeed, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING)
    fetched_bytes = models.PositiveBigIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0, help_text="Progress while running.")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the feed as a whole was refused.")
    row_errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.feed} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def progress(self) -> str:
        if self.rows_total is None:
            return "fetching" if self.status == self.Status.RUNNING else ""
        return f"{self.rows_done:,} / {self.rows_total:,} rows"
