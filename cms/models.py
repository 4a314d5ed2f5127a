"""The webhook delivery log (cms/webhooks.py): one row per event and receiving URL."""

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
