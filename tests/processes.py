"""Helpers for tests that run real worker processes against the test database."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
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


class Worker:
    """`celery -A config worker` in its own process group, on the test's database and on
    queues of its own (nothing else on a shared Redis reaches it): the default queue and the
    feeds queue, both unless `start` names them. `smtp_port`: where its emails go;
    `extra_env`: settings of the test (they win over the defaults here); `name`: its log's
    name, for two workers of one test (pass the same CELERY_TASK_DEFAULT_QUEUE to both)."""

    def __init__(
        self, tmp_path: Path, smtp_port: int | None = None, name: str = "worker", **extra_env: str
    ):
        self.log_path = tmp_path / f"{name}.log"
        broker = tmp_path / "var"
        for folder in ("broker/queue", "broker/processed", "broker/control"):
            (broker / folder).mkdir(parents=True, exist_ok=True)
        email = {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        }
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": database_url(),
            "VAR_DIR": str(broker),
            "DEV_ENV_FILE": "",  # never a developer's `dev.py up` choices
            **(email if smtp_port else {}),
            "CELERY_TASK_DEFAULT_QUEUE": f"e2e-{uuid.uuid4().hex[:12]}",
            "NOTIFICATIONS_INSTANT_WINDOW_SECONDS": "0",
            "LOG_LEVEL": "INFO",
            **extra_env,
        }
        self.default_queue = self.env["CELERY_TASK_DEFAULT_QUEUE"]
        self.feeds_queue = self.env.setdefault("CELERY_FEEDS_QUEUE", f"{self.default_queue}-feeds")
        self.process = None

    def start(self, concurrency: int = 2, queues: list[str] | None = None):
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [
                    *CELERY,
                    "worker",
                    f"--concurrency={concurrency}",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=INFO",
                    "-Q",
                    ",".join(queues or [self.default_queue, self.feeds_queue]),
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(lambda: "ready." in self.log_path.read_text(), 90, "the worker to start")

    def kill(self):
        # The whole group: the pool's child processes die with their parent, mid-send.
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.kill()

    def call(self, task: str, *args):
        """Queue a task on this worker's broker and queue, as the web process would."""
        subprocess.run(
            [*CELERY, "call", task, "--args", json.dumps(list(args))],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def trigger_digest(self):
        """What beat does every minute (and what publishing queues): run INSTANT."""
        self.call("notifications.tasks.run_digest", "INSTANT", True)

    def log(self) -> str:
        return self.log_path.read_text()[-4000:]


def wait_for(condition, timeout: float, what: str, every=None):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}.")
        if every:
            every()
        time.sleep(0.3)


@contextlib.contextmanager
def gunicorn(tmp_path: Path, port: int, *, keep_redis: bool = False, **extra_env: str):
    """`gunicorn -c gunicorn.conf.py` with the production settings, as the Dockerfile starts
    it, on the test database; yields its base URL. `keep_redis`: use the suite's Redis (when
    it has one) as its cache; otherwise the file cache in `tmp_path`, which every server
    started with the same `tmp_path` shares. `extra_env` wins over the defaults here."""
    import requests

    drop = {"DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL"}
    env = {key: value for key, value in os.environ.items() if key not in drop}
    if not keep_redis:
        env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="gunicorn-test-" + "x" * 40,
        DEFAULT_FROM_EMAIL="Academic Jobs <alerts@jobs.example.org>",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        GRAPHQL_CACHE_SECONDS="0",
        DATABASE_URL=database_url(),
        VAR_DIR=str(tmp_path),
        WEB_CONCURRENCY="2",
        GUNICORN_BIND=f"127.0.0.1:{port}",
    )
    env.update(extra_env)
    log_path = tmp_path / f"gunicorn-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"

    def answers():
        try:
            return requests.get(f"{url}/healthz", timeout=5).status_code in (200, 503)
        except (requests.ConnectionError, requests.Timeout):
            assert process.poll() is None, log_path.read_text()
            return False

    try:
        wait_for(answers, 60, "gunicorn to start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)
