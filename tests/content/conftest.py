"""Fixtures for tests that use the Wagtail admin as an editor does."""

import pytest
from django.urls import reverse


@pytest.fixture
def add_job_url(job_index):
    return reverse("wagtailadmin_pages:add", args=("content", "jobpostingpage", job_index.pk))


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client
