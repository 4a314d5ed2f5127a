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
within the budget; one call reserves the slots of the next RESERVE_AHEAD seconds, so a batch
asks Redis a few times a second per provider, not once per email). Without Redis (the
embedded mode) each process keeps its own (`LocalBudget`): N worker processes may then send
N times a provider's budget.
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


# How far ahead a process may reserve a provider's sending slots: one call to the budget
# (one Redis round trip) hands out every slot that starts within this many seconds (at most
# as many as the batch has emails for the provider), 11 at gmail's 20/s. Slots reserved and
# left unused (the provider deferred, the batch ended) are lost: at most this much of the
# provider's budget, once.
RESERVE_AHEAD = 0.5


class LocalBudget:
    """Sending slots per provider within this process (the embedded mode, and tests with a
    clock of their own): the same reservations as RedisBudget's script, on `clock`."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.next_at: dict[str, float] = {}
        self.lock = threading.Lock()

    def take(self, name: str, interval: float, count: int) -> tuple[float, int]:
        """Reserve up to `count` of `name`'s next slots, spaced `interval` apart: returns
        (seconds until the first, how many). With none reserved (0), the seconds until it is
        worth asking again (when half of RESERVE_AHEAD is free)."""
        with self.lock:
            now = self.clock()
            at = max(self.next_at.get(name, 0.0), now)
            if at - now > RESERVE_AHEAD:
                return at - now - RESERVE_AHEAD / 2, 0
            granted = min(count, int((now + RESERVE_AHEAD - at) / interval) + 1)
            self.next_at[name] = at + granted * interval
            return at - now, granted


# KEYS[1]: the provider's key, holding when its next free slot starts (Redis's clock,
# seconds); ARGV: the interval, the slots wanted, RESERVE_AHEAD. LocalBudget.take in Lua:
# reserves the slots that start within RESERVE_AHEAD and returns {seconds until the first,
# how many}. The key lives a second past its last slot, so an idle provider leaves nothing.
_TAKE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local at = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local interval, count, ahead = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if at - now > ahead then return {string.format('%.6f', at - now - ahead / 2), 0} end
local granted = math.min(count, math.floor((now + ahead - at) / interval) + 1)
local until_ = at + granted * interval
redis.call('SET', KEYS[1], string.format('%.6f', until_),
           'PX', math.ceil((until_ - now) * 1000) + 1000)
return {string.format('%.6f', at - now), granted}
"""


class RedisBudget:
    """Sending slots per provider shared by every process through Redis (REDIS_URL): one
    atomic script call reserves a process's next few slots of a capped provider
    (RESERVE_AHEAD), not one call per email. If Redis cannot be reached, this process's own
    budget stands in (and says so in the log)."""

    key_prefix = "notifications:throttle:"
    clock = staticmethod(time.monotonic)

    def __init__(self, url: str):
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.script = self.client.register_script(_TAKE)
        self.fallback = LocalBudget()

    def take(self, name: str, interval: float, count: int) -> tuple[float, int]:
        try:
            wait, granted = self.script(
                keys=[self.key_prefix + name], args=[interval, count, RESERVE_AHEAD]
            )
        except redis.RedisError as err:
            logger.warning("Throttling budget in Redis unavailable (%s): this process's own", err)
            return self.fallback.take(name, interval, count)
        return float(wait), int(granted)


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
        self.clock = self.budget.clock
        self.sleep = sleep or time.sleep
        self.queues: dict[str, deque] = {}
        self.interval: dict[str, float] = {}
        # Per capped provider: the times (self.clock) of the slots this batch reserved, and
        # when to ask the budget again after it had none to give.
        self.slots: dict[str, deque] = {}
        self.ask_at: dict[str, float] = {}
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
                wait = self._wait(name, len(queue)) if self.interval[name] else 0.0
                if wait > 0:
                    waits.append(wait)
                    continue
                yield queue.popleft()
                if not queue:
                    self.queues.pop(name, None)
            if waits and len(waits) == len(self.queues):
                self.sleep(min(waits))

    def _wait(self, name: str, left: int) -> float:
        """0 when `name` has a slot now (taken); else the seconds until its next one, or
        until the budget is worth asking again. Slots come from the budget a few at a time
        (RESERVE_AHEAD), for at most the `left` emails the batch has for the provider."""
        slots = self.slots.setdefault(name, deque())
        now = self.clock()
        if not slots:
            if now < self.ask_at.get(name, 0.0):
                return self.ask_at[name] - now
            interval = self.interval[name]
            wait, granted = self.budget.take(name, interval, left)
            if not granted:
                self.ask_at[name] = now + wait
                return wait
            slots.extend(now + wait + index * interval for index in range(granted))
        if slots[0] > now:
            return slots[0] - now
        slots.popleft()
        return 0.0
