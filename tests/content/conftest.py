"""Fixtures for tests that use the Wagtail admin as an editor does."""

import pytest
from django.urls import reverse

from tests.content.factories import DisciplineFactory, InstitutionFactory, RoleFactory


@pytest.fixture
def add_job_url(job_index):
    return reverse("wagtailadmin_pages:add", args=("content", "jobpostingpage", job_index.pk))


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def taxonomy(db):
    """An institution, a role and two disciplines, by the slugs imports and feeds name them."""
    return {
        "oxford": InstitutionFactory(name="University of Oxford", slug="oxford"),
        "phd": RoleFactory(name="PhD studentship", slug="phd"),
        "ml": DisciplineFactory(name="Machine Learning", slug="machine-learning"),
        "history": DisciplineFactory(name="History", slug="history"),
    }
