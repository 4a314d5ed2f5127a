"""The webhook delivery log (cms/webhooks.py), the Google Indexing API queue (cms/indexing.py)
the trusted GraphQL documents (cms/graphql/trusted_documents.py) and the daily view and
apply-click counts (cms/activity.py)."""

from django.db import models


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "PENDING", "Pending"
        DELIVERED = "DELIVERED", "Delivered"
        FAILED = "FAILED", "Failed"

    event = models.CharField(max_length=20)
    url = models.URLField(max_length=500)
    page_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    page_title = models.CharField(max_length=255, blank=True)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self):
        return f"{self.event} “{self.page_title}” → {self.url}"


class IndexingNotification(models.Model):
    """One URL to tell Google's Indexing API about (cms/google_indexing.py): the queue, and
    once sent, the day's quota count and the log."""

    class Type(models.TextChoices):
        UPDATED = "URL_UPDATED", "Updated"
        DELETED = "URL_DELETED", "Deleted"

    class Status(models.TextChoices):
        PENDING = "PENDING", "Pending"
        SENT = "SENT", "Sent"
        FAILED = "FAILED", "Failed"  # Google refused it (a 4xx other than 429): not retried

    url = models.URLField(max_length=500)
    type = models.CharField(max_length=11, choices=Type.choices)
    status = models.CharField(
        max_length=7, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    page_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.type} {self.url}"


class TrustedDocument(models.Model):
    """A GraphQL document clients may name by its id instead of sending it (GraphQL over HTTP,
    persisted documents): the reference frontend's, published from its build manifest by
    `manage.py publish_trusted_documents` (cms/graphql/trusted_documents.py).

    Content-addressed (the id is the text's SHA-256), so a node's cached copy is never stale:
    an id names one text for ever."""

    document_id = models.CharField(max_length=71, primary_key=True)  # "sha256:" + 64 hex
    text = models.TextField()
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "document_id"]

    def __str__(self):
        return self.document_id


class JobActivity(models.Model):
    """One posting's counts for one day (cms/activity.py counts them): how often its page was
    viewed and its apply action followed. Counts only: no visitor, address, cookie, user agent
    or referrer is stored, here or anywhere else on the way."""

    job = models.ForeignKey(
        "content.JobPostingPage", on_delete=models.CASCADE, related_name="activity"
    )
    date = models.DateField()
    views = models.PositiveIntegerField(default=0)
    apply_clicks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-date", "job_id"]
        verbose_name_plural = "job activity"
        constraints = [
            models.UniqueConstraint(fields=["job", "date"], name="one_activity_row_per_job_and_day")
        ]

    def __str__(self):
        return f"{self.job_id} {self.date}: {self.views} views, {self.apply_clicks} apply clicks"
