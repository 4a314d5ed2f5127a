"""A small closed-loop HTTP load generator (stdlib only): N threads, each sending the same
request back to back for a fixed time, after a warm-up that is not counted."""

import http.client
import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    requests: int  # counted: sent after the warm-up, answered before the end
    failures: int
    sent: int  # everything, warm-up included (what the server's CPU time was spent on)
    seconds: float
    latencies_ms: list[float]
    statuses: Counter = field(default_factory=Counter)  # of the counted requests

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def hammer(
    host: str,
    port: int,
    endpoint,
    *,
    concurrency: int,
    seconds: float,
    warmup: float,
    count_late: bool = False,
) -> LoadResult:
    """`count_late`: also count the requests still running at the end (waited for), so the
    slowest ones are not left out of the latencies."""
    start_counting = time.monotonic() + warmup
    stop = start_counting + seconds
    lock = threading.Lock()
    result = LoadResult(requests=0, failures=0, sent=0, seconds=seconds, latencies_ms=[])

    def worker():
        # gunicorn's sync workers close each connection, so http.client reconnects per request.
        connection = http.client.HTTPConnection(host, port, timeout=60)
        latencies, done, failed, sent_total, statuses = [], 0, 0, 0, Counter()
        while (sent := time.monotonic()) < stop:
            connection.request(endpoint.method, endpoint.path, endpoint.body, endpoint.headers)
            response = connection.getresponse()
            response.read()
            finished = time.monotonic()
            sent_total += 1
            if sent >= start_counting and (count_late or finished <= stop):
                done += 1
                failed += response.status != 200
                statuses[response.status] += 1
                latencies.append((finished - sent) * 1000)
        connection.close()
        with lock:
            result.requests += done
            result.failures += failed
            result.sent += sent_total
            result.latencies_ms.extend(latencies)
            result.statuses.update(statuses)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result
