"""Helpers for tests that run real worker processes against the test database."""

import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
CELERY = [sys.executable, "-m", "celery", "-A", "config"]


def database_url() -> str:
    """The test database as a DATABASE_URL, for a subprocess to open the same data."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}.")
        time.sleep(0.3)


def start_worker(env: dict, log_path: Path) -> subprocess.Popen:
    """`celery -A config worker` (one process) in its own process group, once it is ready;
    stop it with `os.killpg(process.pid, signal.SIGKILL)`."""
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [*CELERY, "worker", "-c1", "--without-gossip", "--without-mingle", "-l", "INFO"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    wait_for(lambda: "ready." in log_path.read_text(), 90, "the worker to start")
    return process
