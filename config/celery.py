"""The Celery app: `celery -A config worker` / `celery -A config beat`."""

import os

from celery import Celery
from celery.signals import task_prerun

from config.env import read_dev_env_file

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
read_dev_env_file()

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _make_filesystem_broker_folders() -> None:
    """kombu's filesystem transport (the embedded default) expects its folders to exist."""
    from pathlib import Path

    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


if str(app.conf.broker_url or "").startswith("filesystem://"):
    _make_filesystem_broker_folders()


@task_prerun.connect
def drop_stale_database_connections(task=None, **kwargs):
    """What Django does at the start of every request: close connections that are past
    CONN_MAX_AGE or broken (a database restart), so the task gets a working one. Not for
    tasks run eagerly inside a caller, whose connection is the caller's."""
    from django.db import close_old_connections

    if not getattr(task.request, "is_eager", False):
        close_old_connections()
