import pytest

from config.celery import app as celery_app


@pytest.fixture
def eager_celery():
    """Unit tests run tasks in-process; the end-to-end tests use a real worker instead."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False
