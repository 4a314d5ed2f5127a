"""Subscribers, their job alerts, and the ledger that makes every delivery a unique fact."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from content.validators import validate_single_line


class Frequency(models.TextChoices):
    INSTANT = "INSTANT", "As soon as jobs are published"
    DAILY = "DAILY", "Daily"
    WEEKLY = "WEEKLY", "Weekly"


class Subscriber(models.Model):
    class ConsentMethod(models.TextChoices):
        FORM = "form", "The sign-up form (the frontend vouched for the request)"
        API = "api", "The API (GraphQL), directly"
        ADMIN = "admin", "Staff, in the admin"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"

    email = models.EmailField(max_length=254, validators=[validate_single_line])
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    consented_at = models.DateTimeField(help_text="When the address asked for alerts.")
    # What the address agreed to (NOTIFICATIONS_CONSENT_VERSION when it asked) and how it
    # asked; empty on sign-ups recorded before consent was.
    consent_version = models.CharField(max_length=40, blank=True)
    consent_method = models.CharField(max_length=8, choices=ConsentMethod.choices, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique"),
        ]
        permissions = [("view_subscriber_email", "Can see subscribers' email addresses")]

    def __str__(self):
        return f"Subscriber #{self.pk}"

    @property
    def can_receive(self) -> bool:
        return self.status == self.Status.CONFIRMED


class JobAlert(models.Model):
    """One set of criteria. Empty criteria match everything on that axis."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="alerts")
    disciplines = models.ManyToManyField("content.Discipline", blank=True, related_name="+")
    # True when `disciplines` is empty. Kept on the row so matching can find "any field"
    # alerts through an index instead of checking every alert for missing disciplines.
    any_discipline = models.BooleanField(default=True, editable=False)
    roles = models.ManyToManyField("content.Role", blank=True, related_name="+")
    # ",GB,DE," so that "is the job's country in the list" is one LIKE on any database.
    countries = models.CharField(max_length=200, blank=True)
    remote = models.CharField(max_length=8, blank=True, help_text="A RemotePolicy value, or any.")
    frequency = models.CharField(max_length=8, choices=Frequency.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the alert takes effect (confirmed by email, or added with a manage token);
    # only jobs first published after that moment are sent, so a new alert is no flood.
    active_since = models.DateTimeField(null=True, blank=True, db_index=True)
    # A paused alert matches nothing; on resuming it starts again from that moment, so the
    # jobs published while it was paused do not arrive in one flood.
    paused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["frequency", "active_since"], name="alert_freq_active_idx"),
            models.Index(
                fields=["frequency", "any_discipline"],
                condition=models.Q(any_discipline=True),
                name="alert_any_discipline_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_frequency_display()} alert #{self.pk}"

    @property
    def country_list(self) -> list[str]:
        return [code for code in self.countries.split(",") if code]

    @staticmethod
    def pack_countries(codes) -> str:
        codes = sorted({code.upper() for code in codes})
        return f",{','.join(codes)}," if codes else ""


class AlertKeyword(models.Model):
    """A keyword of an alert, a row of its own so matching can join on it."""

    alert = models.ForeignKey(JobAlert, on_delete=models.CASCADE, related_name="keyword_rows")
    keyword = models.CharField(max_length=60, validators=[validate_single_line])  # lower-case

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "keyword"], name="alert_keyword_unique")
        ]

    def __str__(self):
        return self.keyword


class JobPublication(models.Model):
    """The first time a job went live. Later edits and re-publishing leave it alone."""

    job = models.OneToOneField(
        "content.JobPostingPage", on_delete=models.CASCADE, related_name="publication"
    )
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    # When each frequency's digest planned this job (matched it against alerts).
    instant_planned_at = models.DateTimeField(null=True, blank=True)
    daily_planned_at = models.DateTimeField(null=True, blank=True)
    weekly_planned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Publication of job #{self.job_id}"

    @staticmethod
    def planned_field(frequency: str) -> str:
        return f"{frequency.lower()}_planned_at"


class DigestRun(models.Model):
    frequency = models.CharField(max_length=8, choices=Frequency.choices)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    planned_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    jobs = models.PositiveIntegerField(default=0, help_text="New jobs matched in this run.")
    reserved = models.PositiveIntegerField(default=0, help_text="Deliveries reserved.")
    batches = models.PositiveIntegerField(default=0)
    batches_done = models.PositiveIntegerField(default=0)
    emails_sent = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0, help_text="Jobs delivered.")
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.frequency} digest {self.started_at:%Y-%m-%d %H:%M}"


class Delivery(models.Model):
    """One job for one subscriber. The unique constraint is the "never twice" guarantee."""

    class Status(models.TextChoices):
        PENDING = "pending", "Reserved, not sent yet"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed permanently"
        SKIPPED = "skipped", "Skipped (job closed or subscriber left)"

    # Few indexes: every row is written several times (reserved, claimed, sent), and the
    # sent mark writes a new entry in every index. Lookups by subscriber use the unique
    # (subscriber, job) index.
    # No database foreign keys: planning writes one row per subscriber x job in bulk, and
    # checking three constraints per row at commit took 2.2 of 5 s at 10k subscribers.
    # Deleting a subscriber (or a run) through Django still deletes (nulls) its rows.
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,
        db_constraint=False,
    )
    # A deleted job or alert leaves the ledger as it is: the rows are its history (what
    # was sent, never twice), a pending row of a deleted job is skipped when its batch
    # finds the job gone, and an email names a deleted alert's group "More jobs for you".
    # So neither needs an index here, and deleting one never scans the ledger.
    job = models.ForeignKey(
        "content.JobPostingPage",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # The alert the job is listed under in the email (the subscriber's first matching one).
    alert = models.ForeignKey(
        JobAlert,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    run = models.ForeignKey(
        DigestRun,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    # A sending batch owns pending rows through a claim that expires, so a crashed
    # worker's rows go back to the pool and two live workers never share a row.
    claim = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Sends of this row's email that met a transient error; see NOTIFICATIONS_MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField(db_default=0)  # also for the raw INSERT
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "job"], name="delivery_once_per_job")
        ]
        indexes = [
            models.Index(
                fields=["subscriber"],
                condition=models.Q(status="pending"),
                name="delivery_pending_sub_idx",
            ),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"Delivery #{self.pk} ({self.status})"


class DeliverySummary(models.Model):
    """A subscriber's ledger rows older than the retention window, compacted
    (notifications/retention.py): how many were sent, failed or skipped, and `through`, the
    moment every job first published up to which counts as decided for this subscriber.
    Planning reserves no row for such a job (notifications/matching.py), so "never the same
    job twice" holds without the rows: one row per subscriber instead of one per job."""

    subscriber = models.OneToOneField(
        Subscriber,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="delivery_summary",
        db_constraint=False,
    )
    through = models.DateTimeField()
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "delivery summaries"

    def __str__(self):
        return f"Compacted deliveries of subscriber #{self.subscriber_id}"


class AcceptedEmail(models.Model):
    """An email the SMTP server accepted whose ledger rows are not marked sent yet: the
    batch `claim` sent it to `subscriber_id` (all that subscriber's rows it held). One small
    insert per email is what closes the duplicate window; the rows themselves are marked
    sent a batch at a time, and whoever hands rows out again settles these first (see
    notifications/digests.py). The table holds only the emails of running or crashed
    batches, so its primary key is its only index."""

    pk = models.CompositePrimaryKey("claim", "subscriber_id")
    claim = models.CharField(max_length=32)
    subscriber_id = models.BigIntegerField()

    def __str__(self):
        return f"Accepted email ({self.claim}, {self.subscriber_id})"


@register_setting(icon="mail")
class EmailBranding(BaseSiteSetting):
    """How the emails look: the name, logo and colour they carry, and the postal address
    that bulk mail must show (CAN-SPAM, and most ESPs' terms)."""

    site_name = models.CharField(
        max_length=80,
        blank=True,
        help_text="Shown in every email; empty: the site's name.",
        validators=[validate_single_line],
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown at the top of emails, at most 180 px wide. Keep a background on "
        "it, or make it readable on dark backgrounds too.",
    )
    accent_colour = models.CharField(
        max_length=7,
        default="#1f5f8b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour as #rrggbb, e.g. #1f5f8b.")],
        help_text="Header bar and links, as #rrggbb. White text must be readable on it.",
    )
    postal_address = models.TextField(
        blank=True, help_text="The sender's postal address, printed in every email's footer."
    )

    panels = [
        FieldPanel("site_name"),
        FieldPanel("logo"),
        FieldPanel("accent_colour"),
        FieldPanel("postal_address"),
    ]

    class Meta:
        verbose_name = "email branding"


class InstitutionNotice(models.Model):
    """The ledger of lifecycle notices to institutions (notifications/institution_notices.py):
    one row per fact, under a unique `key` ("published:<posting>", "closing_soon:<posting>",
    "closed:<posting>", "changes_requested:<task state>", "feed_failed:<run>",
    "feed_paused:<run>"), so nothing is told twice, whatever repeats the event (a
    republish, a second sweep, a redelivered task)."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "A posting went live"
        CHANGES_REQUESTED = "changes_requested", "A posting needs changes"
        CLOSING_SOON = "closing_soon", "A posting closes in 3 days"
        CLOSED = "closed", "A posting closed"
        FEED_FAILED = "feed_failed", "A feed run failed"
        FEED_PAUSED = "feed_paused", "A feed was paused"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        OFF = "off", "Not sent: switched off for the institution"
        NO_RECIPIENTS = "no_recipients", "Not sent: no one to tell"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    institution = models.ForeignKey(
        "content.Institution", on_delete=models.CASCADE, related_name="notices"
    )
    # The posting (kept as an id: the ledger outlives a deleted posting, as Delivery does).
    page_id = models.IntegerField(null=True, blank=True, db_index=True)
    # What the email says that is not read again at send time (a reviewer's comment, the
    # feed's error): the facts as they were when it happened.
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    recipients = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.key})"


class Suppression(models.Model):
    """One address that no email goes to (notifications/suppression.py), stored only as a
    keyed hash of its mailbox (`key`), so an erased address stays suppressed without being
    kept. A lifted entry stays as the record of who lifted it and why."""

    class Reason(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", "Hard bounce"
        COMPLAINT = "complaint", "Spam complaint"
        SOFT_BOUNCES = "soft_bounces", "Too many soft bounces"
        MANUAL = "manual", "Suppressed by staff"
        UNSUBSCRIBED = "esp_unsubscribe", "Unsubscribed at the email service"

    key = models.CharField(max_length=64, editable=False)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    source = models.CharField(max_length=40, help_text="What reported it: smtp, dsn, arf, ...")
    detail = models.CharField(max_length=300, blank=True, validators=[validate_single_line])
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lift_reason = models.CharField(max_length=300, blank=True, validators=[validate_single_line])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(lifted_at__isnull=True),
                name="suppression_active_key_unique",
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.created_at:%Y-%m-%d})"

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class DeliveryEvent(models.Model):
    """What became of an email after it left: a bounce (hard or soft), a complaint, an
    unsubscribe or a rejection at the email service, read from a DSN or an ARF report
    (notifications/bounces.py) or from an ESP's webhook (anymail's tracking signal)."""

    class Kind(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", "Hard bounce"
        SOFT_BOUNCE = "soft_bounce", "Soft bounce"
        COMPLAINT = "complaint", "Complaint"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed at the email service"
        REJECTED = "rejected", "Rejected by the email service"
        NOT_SENT = "not_sent", "Not sent: on the suppression list"

    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    # Unlinked, not deleted, when the subscriber is erased: the event names no address, and
    # the daily rates and soft-bounce thresholds keep counting it.
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    # The suppression key of the address (never the address): events of institution
    # contacts and of erased subscribers still count towards soft-bounce thresholds.
    key = models.CharField(max_length=64, db_index=True, editable=False)
    source = models.CharField(max_length=40)
    status = models.CharField(max_length=16, blank=True, help_text="The DSN status, e.g. 5.1.1.")
    detail = models.CharField(max_length=300, blank=True)
    # The ESP's event id (anymail's event_id), so a redelivered webhook counts once.
    event_id = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "event_id"],
                condition=~models.Q(event_id=""),
                name="delivery_event_once",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class SentEmails(models.Model):
    """How many emails were handed to the mail server (or the ESP) per day and kind: the one
    record of "an email was sent" (notifications/sending.py, `record_sent`), the
    denominator of the daily bounce and complaint rates. Figures only, no addresses."""

    class Kind(models.TextChoices):
        DIGEST = "digest", "Digests"
        NOTICE = "notice", "Institution notices"
        MESSAGE = "message", "One-off emails (confirmations, invitations, ...)"

    day = models.DateField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    emails = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "sent emails"
        constraints = [models.UniqueConstraint(fields=["day", "kind"], name="sent_emails_once")]

    def __str__(self):
        return f"{self.day}: {self.emails} {self.kind}"
