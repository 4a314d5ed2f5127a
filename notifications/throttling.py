"""Sending per receiving domain: a rate budget per mailbox provider, and a provider that
answers "not now" (4xx) deferred on its own.

A provider is a set of domains that share their inbound servers and their limits
(NOTIFICATIONS_DOMAIN_THROTTLES: "outlook" is outlook.com, hotmail.com, live.com, ...);
any other domain is a provider of its own, with NOTIFICATIONS_DOMAIN_DEFAULT_RATE. A
batch sends its emails in its own order, except that an email whose provider is over its budget
waits while emails to other providers go out, and once a provider deferred an email the
batch sends it nothing more (the batch's task is retried for those, by Celery, with
backoff; notifications/digests.py).

A provider's budget is one for the whole deployment when REDIS_URL is set (`RedisBudget`:
every worker process, on every host, takes its sending slots from one Redis key per provider,
spaced 1/rate apart on Redis's own clock, with a small Lua script, so N workers together stay
within the budget). Without Redis (the embedded mode) each process keeps its own
(`LocalBudget`): N worker processes may then send N times a provider's budget.
"""

import logging
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator

import redis
from django.conf import settings

logger = logging.getLogger(__name__)


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


class LocalBudget:
    """Sending slots per provider within this process (the embedded mode, and tests with a
    clock of their own): `take` grants one when the provider's last was `interval` ago."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.next_at: dict[str, float] = {}
        self.lock = threading.Lock()

    def take(self, name: str, interval: float) -> float:
        """0 when a slot for `name` is granted now; else the seconds until the next one."""
        with self.lock:
            now = self.clock()
            at = self.next_at.get(name, 0.0)
            if at > now:
                return at - now
            self.next_at[name] = now + interval
            return 0.0


# KEYS[1]: the provider's key, holding when its next slot is free (Redis's clock, seconds);
# ARGV[1]: the interval. Grants a slot ("0") or says how long until the next one. The key
# lives a second past the slot, so an idle provider leaves nothing behind.
_TAKE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local at = tonumber(redis.call('GET', KEYS[1]) or '0')
if at > now then return tostring(at - now) end
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.6f', now + interval),
           'PX', math.ceil(interval * 1000) + 1000)
return '0'
"""


class RedisBudget:
    """Sending slots per provider shared by every process through Redis (REDIS_URL): one
    atomic script call per email to a capped provider. If Redis cannot be reached, this
    process's own budget stands in (and says so in the log)."""

    key_prefix = "notifications:throttle:"

    def __init__(self, url: str):
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.script = self.client.register_script(_TAKE)
        self.fallback = LocalBudget()

    def take(self, name: str, interval: float) -> float:
        try:
            return float(self.script(keys=[self.key_prefix + name], args=[interval]))
        except redis.RedisError as err:
            logger.warning("Throttling budget in Redis unavailable (%s): this process's own", err)
            return self.fallback.take(name, interval)


_budget = None


def default_budget():
    """This process's budget: shared through Redis when REDIS_URL is set, else its own."""
    global _budget
    url = settings.REDIS_URL
    if _budget is None or getattr(_budget, "url", None) != url:
        _budget = RedisBudget(url) if url else LocalBudget()
        _budget.url = url
    return _budget


class Scheduler:
    """Hands out a batch's emails under each provider's budget and skips deferred providers.

    `items` are (address, anything) pairs; `order()` yields them, in their order within
    each provider, sleeping only when every provider that has emails left is over budget.
    `budget`: where the sending slots come from (`default_budget()` unless given).
    """

    def __init__(self, items: Iterable[tuple[str, object]], budget=None, sleep=None):
        self.budget = budget or default_budget()
        self.sleep = sleep or time.sleep
        self.queues: dict[str, deque] = {}
        self.interval: dict[str, float] = {}
        self.deferred: set[str] = set()
        table = providers()
        for address, item in items:
            name, rate = provider(address, table)
            if name not in self.queues:
                self.queues[name] = deque()
                self.interval[name] = 1.0 / rate if rate > 0 else 0.0
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
            waits = []
            for name in list(self.queues):
                queue = self.queues.get(name)
                if not queue:  # deferred meanwhile
                    continue
                interval = self.interval[name]
                wait = self.budget.take(name, interval) if interval else 0.0
                if wait > 0:
                    waits.append(wait)
                    continue
                yield queue.popleft()
                if not queue:
                    self.queues.pop(name, None)
            if waits and len(waits) == len(self.queues):
                self.sleep(min(waits))
