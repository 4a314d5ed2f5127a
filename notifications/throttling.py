"""Sending per receiving domain: a rate budget per mailbox provider, and a provider that
answers "not now" (4xx) deferred on its own.

A provider is a set of domains that share their inbound servers and their limits
(NOTIFICATIONS_DOMAIN_THROTTLES: "outlook" is outlook.com, hotmail.com, live.com, ...);
any other domain is a provider of its own, with NOTIFICATIONS_DOMAIN_DEFAULT_RATE. A batch
sends its emails in its own order, except that an email whose provider is over its budget
waits while emails to other providers go out, and once a provider deferred an email the
batch sends it nothing more (the batch's task is retried for those, by Celery, with
backoff; notifications/digests.py).
"""

import time
from collections import deque
from collections.abc import Iterable, Iterator

from django.conf import settings


def domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()


def providers() -> dict[str, tuple[str, float]]:
    """domain -> (provider, emails per second; 0: no cap), from the settings."""
    return {
        name.lower(): (provider, float(spec["per_second"]))
        for provider, spec in settings.NOTIFICATIONS_DOMAIN_THROTTLES.items()
        for name in spec["domains"]
    }


def provider(address: str, table: dict | None = None) -> tuple[str, float]:
    """The provider an address's mail goes to, and its budget (emails/s; 0: no cap)."""
    name = domain(address)
    default = (name, float(settings.NOTIFICATIONS_DOMAIN_DEFAULT_RATE))
    return (table if table is not None else providers()).get(name, default)


class Scheduler:
    """Hands out a batch's emails under each provider's budget and skips deferred providers.

    `items` are (address, anything) pairs; `order()` yields them, in their order within
    each provider, sleeping only when every provider that has emails left is over budget.
    """

    def __init__(self, items: Iterable[tuple[str, object]], clock=time.monotonic, sleep=None):
        self.clock = clock
        self.sleep = sleep or time.sleep
        self.queues: dict[str, deque] = {}
        self.interval: dict[str, float] = {}
        self.next_at: dict[str, float] = {}
        self.deferred: set[str] = set()
        table = providers()
        for address, item in items:
            name, rate = provider(address, table)
            if name not in self.queues:
                self.queues[name] = deque()
                self.interval[name] = 1.0 / rate if rate > 0 else 0.0
                self.next_at[name] = 0.0
            self.queues[name].append((name, item))

    def defer(self, name: str):
        """`name` said "not now": nothing more goes to it from this batch."""
        self.deferred.add(name)
        self.queues.pop(name, None)

    def order(self) -> Iterator[tuple[str, object]]:
        """(provider, item) pairs, each provider's at most at its rate."""
        if len(self.queues) == 1 and not any(self.interval.values()):
            # The common case: one provider without a budget; its order as it is.
            (queue,) = self.queues.values()
            while queue and not self.deferred:
                yield queue.popleft()
            return
        while self.queues:
            now = self.clock()
            ready = [name for name in self.queues if self.next_at[name] <= now]
            if not ready:
                self.sleep(min(self.next_at[name] for name in self.queues) - now)
                continue
            for name in ready:
                queue = self.queues.get(name)
                if not queue:  # deferred meanwhile
                    continue
                self.next_at[name] = max(now, self.next_at[name]) + self.interval[name]
                yield queue.popleft()
                if not queue:
                    self.queues.pop(name, None)
