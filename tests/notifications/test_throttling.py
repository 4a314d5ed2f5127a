"""Per receiving provider: a rate budget, and a provider that answers 4xx deferred alone
(notifications/throttling.py, in the batch's sending loop of notifications/digests.py)."""

import datetime as dt
import itertools
import threading
import time
import uuid

import pytest
from django.utils import timezone

from notifications import digests, throttling
from notifications.models import AcceptedEmail, Delivery
from tests.notifications.factories import confirmed_subscriber, publish_job
from tests.notifications.smtp import smtp_server


class FakeClock:
    """Time that moves only when the scheduler sleeps: the order, not the wall clock."""

    def __init__(self):
        self.now = 0.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_providers_group_domains_and_others_are_their_own(settings):
    settings.NOTIFICATIONS_DOMAIN_THROTTLES = {
        "outlook": {"per_second": 10, "domains": ["outlook.com", "Hotmail.com"]}
    }
    settings.NOTIFICATIONS_DOMAIN_DEFAULT_RATE = 0
    assert throttling.provider("Ada@HOTMAIL.com") == ("outlook", 10.0)
    assert throttling.provider("ada@outlook.com") == ("outlook", 10.0)
    assert throttling.provider("ada@uni.example") == ("uni.example", 0.0)


def test_the_defaults_cover_the_largest_providers():
    from django.conf import settings

    throttles = settings.NOTIFICATIONS_DOMAIN_THROTTLES
    for address in ["a@gmail.com", "a@outlook.com", "a@hotmail.com", "a@yahoo.com", "a@icloud.com"]:
        name, rate = throttling.provider(address)
        assert name in throttles and rate > 0


def test_a_provider_over_budget_waits_while_the_others_go_out(settings):
    settings.NOTIFICATIONS_DOMAIN_THROTTLES = {"gmail": {"per_second": 2, "domains": ["gmail.com"]}}
    settings.NOTIFICATIONS_DOMAIN_DEFAULT_RATE = 0
    clock = FakeClock()
    items = [(f"g{i}@gmail.com", f"g{i}") for i in range(4)]
    items += [(f"u{i}@uni.example", f"u{i}") for i in range(4)]
    scheduler = throttling.Scheduler(items, budget=throttling.LocalBudget(clock), sleep=clock.sleep)
    sent = [(item, clock.now) for _provider, item in scheduler.order()]
    order = [item for item, _at in sent]
    # Every uni.example email before gmail's second: nobody waits behind gmail's budget.
    assert order.index("u3") < order.index("g1")
    assert [item for item in order if item[0] == "g"] == ["g0", "g1", "g2", "g3"]
    gmail_times = [at for item, at in sent if item[0] == "g"]
    assert [b - a for a, b in itertools.pairwise(gmail_times)] == [0.5, 0.5, 0.5]
    assert all(at == 0.0 for item, at in sent if item[0] == "u")


def test_one_provider_without_a_budget_keeps_the_batch_order(settings):
    settings.NOTIFICATIONS_DOMAIN_DEFAULT_RATE = 0
    items = [(f"r{i}@example.org", i) for i in range(5)]
    clock = FakeClock()
    scheduler = throttling.Scheduler(items, budget=throttling.LocalBudget(clock), sleep=clock.sleep)
    assert [item for _provider, item in scheduler.order()] == [0, 1, 2, 3, 4]
    assert clock.slept == []


def test_a_deferred_provider_gets_nothing_more(settings):
    settings.NOTIFICATIONS_DOMAIN_DEFAULT_RATE = 0
    items = [(f"s{i}@slow.example", f"s{i}") for i in range(3)]
    items += [(f"u{i}@uni.example", f"u{i}") for i in range(3)]
    scheduler = throttling.Scheduler(items)
    order = []
    for provider, item in scheduler.order():
        order.append(item)
        if provider == "slow.example":
            scheduler.defer(provider)
    assert order == ["s0", "u0", "u1", "u2"]
    assert scheduler.deferred == {"slow.example"}


@pytest.mark.django_db
def test_a_421_from_one_domain_defers_only_its_mail_and_the_retry_sends_it_once(
    job_index, settings
):
    """An aiosmtpd server answers 421 at RCPT for slow.example: the batch sends everyone
    else, then asks for a retry (Celery's backoff); the retry (same claim) sends
    slow.example's mail and nothing twice."""
    since = timezone.now() - dt.timedelta(minutes=1)
    addresses = []
    for i in range(4):  # interleaved, the deferring domain first
        addresses += [f"s{i}@slow.example", f"u{i}@uni.example"]
    for address in addresses:
        confirmed_subscriber(address, since=since)
    publish_job(job_index, title="Shared job")
    batches = []
    with smtp_server() as (smtp, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        smtp.defer_domains = {"slow.example": 1}
        digests.run_digest("INSTANT", force=True, send=lambda *batch: batches.append(batch))
        (batch,) = batches
        with pytest.raises(digests.TransientSendError, match=r"Deferred by slow\.example"):
            digests.send_batch(*batch)
        first = [rcpt for rcpt, _raw in smtp.accepted]
        assert smtp.deferred == ["s0@slow.example"]  # asked once, then left alone
        assert sorted(first) == [f"u{i}@uni.example" for i in range(4)]
        pending = Delivery.objects.filter(status=Delivery.Status.PENDING)
        assert set(pending.values_list("subscriber__email", flat=True)) == {
            f"s{i}@slow.example" for i in range(4)
        }
        # Only the email that met the 421 counts an attempt.
        attempted = pending.filter(attempts__gt=0)
        assert list(attempted.values_list("subscriber__email", "attempts")) == [
            ("s0@slow.example", 1)
        ]

        digests.send_batch(*batch)  # Celery's retry: same claim
        received = smtp.received()
    assert sorted(received) == sorted(addresses)
    assert all(titles == ["Shared job"] for titles in received.values())
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == len(addresses)
    assert not AcceptedEmail.objects.exists()


def test_workers_share_one_budget_per_provider_through_redis(settings):
    """Two workers, each with its own budget object and Redis connection (as two worker
    processes have), sending to one provider for a second: together they stay within its
    budget, where budgets of their own would each send it in full."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: without Redis each process keeps its own budget")
    assert isinstance(throttling.default_budget(), throttling.RedisBudget)
    rate, seconds = 20, 1.0
    domain = f"shared-{uuid.uuid4().hex[:8]}.example"  # a provider of its own, budget `rate`
    settings.NOTIFICATIONS_DOMAIN_DEFAULT_RATE = rate
    start = threading.Barrier(2)
    sent: list[float] = []
    lock = threading.Lock()

    def worker(name):
        scheduler = throttling.Scheduler(
            [(f"{name}{i}@{domain}", i) for i in range(200)],
            budget=throttling.RedisBudget(settings.REDIS_URL),
        )
        start.wait()
        until = time.monotonic() + seconds
        for _provider, _item in scheduler.order():
            now = time.monotonic()
            if now >= until:
                return
            with lock:
                sent.append(now)

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    # One budget: at most rate * seconds + 1 slots in the second (the first at its start);
    # two budgets of their own would send about twice that.
    assert rate * seconds / 4 < len(sent) <= rate * seconds + 1, len(sent)


class CountingBudget:
    """A budget that counts the calls made to it (each one a Redis round trip in production)."""

    def __init__(self, budget):
        self.budget, self.calls = budget, 0
        self.clock = budget.clock

    def take(self, name, interval, count):
        self.calls += 1
        return self.budget.take(name, interval, count)


def test_a_batch_reserves_a_few_slots_per_call_and_sends_them_at_the_rate(settings):
    """30 emails to a 20/s provider: one call to the budget per RESERVE_AHEAD of slots (3
    here, not 30), each email still in a slot of its own, 1/20 s apart."""
    settings.NOTIFICATIONS_DOMAIN_THROTTLES = {
        "gmail": {"per_second": 20, "domains": ["gmail.com"]}
    }
    clock = FakeClock()
    budget = CountingBudget(throttling.LocalBudget(clock))
    items = [(f"g{i}@gmail.com", i) for i in range(30)]
    scheduler = throttling.Scheduler(items, budget=budget, sleep=clock.sleep)
    times = [clock.now for _provider, _item in scheduler.order()]
    assert [round(b - a, 9) for a, b in itertools.pairwise(times)] == [0.05] * 29
    assert budget.calls == 3


def test_reserved_slots_are_shared_across_budgets_through_redis(settings):
    """Two processes' budgets on one Redis key: the second's slots follow the first's, so
    their reservations never overlap; with the first's window full it is told when to ask
    again, not given a slot."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    name = f"shared-{uuid.uuid4().hex[:8]}.example"
    first = throttling.RedisBudget(settings.REDIS_URL)
    second = throttling.RedisBudget(settings.REDIS_URL)
    wait, granted = first.take(name, 0.05, 100)
    assert wait == 0.0 and granted == round(throttling.RESERVE_AHEAD / 0.05) + 1
    wait, granted = second.take(name, 0.05, 100)
    assert granted == 0 and 0 < wait <= throttling.RESERVE_AHEAD
    time.sleep(wait)
    wait, granted = second.take(name, 0.05, 100)
    # Its first slot is the one after the first budget's last.
    assert granted >= 1 and 0 < wait <= throttling.RESERVE_AHEAD + 0.05
