"""End to end: webhook deliveries sent and retried by a real Celery worker process on the
configured broker (Redis when REDIS_URL is set, else kombu's filesystem transport)."""

import pytest

from cms.models import WebhookDelivery
from tests.cms.webhook_receiver import SECRET, Receiver
from tests.content.factories import JobIndexPageFactory, JobPostingPageFactory, site_root
from tests.processes import Worker, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def worker_env(tmp_path, settings):
    receiver = Receiver()
    settings.WEBHOOK_URLS = [receiver.url]
    settings.WEBHOOK_SECRET = SECRET
    worker = Worker(
        tmp_path,
        WEBHOOK_URLS=receiver.url,
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_RETRY_SECONDS="1",
        WEBHOOK_MAX_ATTEMPTS="5",
    )
    try:
        worker.start(concurrency=1)
        yield receiver, worker
    finally:
        worker.stop()
        receiver.close()


def test_worker_delivers_and_retries(worker_env, django_capture_on_commit_callbacks):
    receiver, worker = worker_env
    receiver.answers = [503, 500]
    index = JobIndexPageFactory(parent=site_root())
    job = JobPostingPageFactory(parent=index, live=False, title="Worker-delivered job")
    # Publishing writes the delivery row; the after-commit send is captured and replaced by
    # one on the worker's own queue.
    with django_capture_on_commit_callbacks(execute=False):
        job.save_revision().publish()
    delivery = WebhookDelivery.objects.get()
    # Queued on the worker's broker and queue, as the web process does after commit.
    worker.call("cms.tasks.deliver_webhook", delivery.pk)

    def delivered():
        delivery.refresh_from_db()
        return delivery.status == WebhookDelivery.Status.DELIVERED

    wait_for(delivered, 60, f"the delivery; worker log:\n{worker.log()}")
    assert delivery.attempts == 3
    assert [request["valid"] for request in receiver.requests] == [True, True, True]
    assert {request["payload"]["page"]["title"] for request in receiver.requests} == {
        "Worker-delivered job"
    }
    assert "retry" in worker.log_path.read_text().lower()
