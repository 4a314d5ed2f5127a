"""Webhook deliveries are retried by Celery (autoretry_for, retry_backoff): the waits between
attempts are Celery's exponential backoff from WEBHOOK_RETRY_SECONDS."""

from cms.tasks import deliver_webhook
from tests.cms.test_webhooks import publish, receiver  # noqa: F401 (a fixture)
from tests.content.factories import JobPostingPageFactory


def test_retries_wait_celerys_backoff(
    job_index,
    receiver,  # noqa: F811
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    receiver.answers = [500, 503, 500]
    countdowns = []
    retry = deliver_webhook.retry

    def spy(*args, **kwargs):
        countdowns.append(kwargs.get("countdown"))
        return retry(*args, **kwargs)

    monkeypatch.setattr(deliver_webhook, "retry", spy)
    publish(JobPostingPageFactory(parent=job_index, live=False), django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 4
    first = settings.WEBHOOK_RETRY_SECONDS
    assert countdowns == [first, first * 2, first * 4]
