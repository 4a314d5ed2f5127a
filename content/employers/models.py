"""Institutions asking for an account: the public "Post a job" form stores a request here,
staff approve or reject it in the admin (content/employers/requests.py does both).
Imported by content/models.py."""

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from content.iso import country_choices, validate_country_code
from content.validators import validate_single_line

MAX_MESSAGE = 2000


class InstitutionAccountRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "PENDING", "Pending"
        APPROVED = "APPROVED", "Approved"
        REJECTED = "REJECTED", "Rejected"

    institution_name = models.CharField(
        "institution", max_length=200, validators=[validate_single_line]
    )
    website_url = models.URLField(
        "institution's website", max_length=300, validators=[validate_single_line]
    )
    contact_name = models.CharField("name", max_length=150, validators=[validate_single_line])
    contact_email = models.EmailField("email", max_length=150, validators=[validate_single_line])
    position = models.CharField(
        "role or position", max_length=150, validators=[validate_single_line]
    )
    message = models.TextField(
        blank=True, max_length=MAX_MESSAGE, validators=[MaxLengthValidator(MAX_MESSAGE)]
    )
    consented_at = models.DateTimeField(
        help_text="When the requester agreed to our storing these details to answer them."
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[validate_country_code],
        help_text="The institution's country: needed to create an institution on approval.",
    )
    institution = models.ForeignKey(
        "content.Institution",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account_requests",
        help_text="An institution we already list; left empty, approval creates it.",
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reason = models.TextField(
        blank=True, help_text="Why it was rejected (kept for staff; not sent to the requester)."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The account approval created.",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("institution_name"),
                FieldPanel("website_url"),
                FieldRowPanel(
                    [
                        FieldPanel(
                            "country",
                            widget=forms.Select(choices=[("", "---------"), *country_choices()]),
                        ),
                        FieldPanel("institution"),
                    ]
                ),
            ],
            heading="Institution",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("contact_name"), FieldPanel("position")]),
                FieldPanel("contact_email"),
                FieldPanel("message"),
            ],
            heading="Contact",
        ),
        FieldPanel("reason"),
    ]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "institution account request"

    def __str__(self):
        return f"{self.institution_name} ({self.contact_name})"
