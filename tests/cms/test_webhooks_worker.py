"""End to end: webhook deliveries sent and retried by a real Celery worker process on the
configured broker (Redis when REDIS_URL is set, else kombu's filesystem transport)."""

import os
import signal
import subprocess
import time
import uuid

import pytest

from cms.models import WebhookDelivery
from tests.cms.webhook_receiver import SECRET, Receiver
from tests.factories import JobIndexPageFactory, JobPostingPageFactory, site_root
from tests.processes import CELERY, ROOT, database_url

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}.")
        time.sleep(0.3)


@pytest.fixture
def worker_env(tmp_path, settings):
    receiver = Receiver()
    settings.WEBHOOK_URLS = [receiver.url]
    settings.WEBHOOK_SECRET = SECRET
    var = tmp_path / "var"
    for folder in ("broker/queue", "broker/processed", "broker/control"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url(),
        "VAR_DIR": str(var),
        "CELERY_TASK_DEFAULT_QUEUE": f"webhooks-e2e-{uuid.uuid4().hex[:12]}",
        "WEBHOOK_URLS": receiver.url,
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_RETRY_SECONDS": "1",
        "WEBHOOK_MAX_ATTEMPTS": "5",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("a") as log:
        worker = subprocess.Popen(
            [*CELERY, "worker", "-c1", "--without-gossip", "--without-mingle", "-l", "INFO"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: "ready." in log_path.read_text(), 90, "the worker to start")
        yield receiver, env, log_path
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        receiver.close()


def send(env, delivery_id: int):
    """Queue the task on the worker's broker and queue, as the web process does after commit."""
    subprocess.run(
        [*CELERY, "call", "cms.tasks.deliver_webhook", "--args", f"[{delivery_id}]"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_worker_delivers_and_retries(worker_env, django_capture_on_commit_callbacks):
    receiver, env, log_path = worker_env
    receiver.answers = [503, 500]
    index = JobIndexPageFactory(parent=site_root())
    job = JobPostingPageFactory(parent=index, live=False, title="Worker-delivered job")
    # Publishing writes the delivery row; the after-commit send is captured and replaced by
    # one on the worker's own queue.
    with django_capture_on_commit_callbacks(execute=False):
        job.save_revision().publish()
    delivery = WebhookDelivery.objects.get()
    send(env, delivery.pk)

    def delivered():
        delivery.refresh_from_db()
        return delivery.status == WebhookDelivery.Status.DELIVERED

    wait_for(delivered, 60, f"the delivery; worker log:\n{log_path.read_text()[-3000:]}")
    assert delivery.attempts == 3
    assert [request["valid"] for request in receiver.requests] == [True, True, True]
    assert {request["payload"]["page"]["title"] for request in receiver.requests} == {
        "Worker-delivered job"
    }
    assert "retry" in log_path.read_text().lower()
