"""CPU time of a call, as the profiling scripts measure it."""

import time


def best_ms(fn, repeat: int = 10) -> float:
    """The CPU time of one `fn()` in this thread, in ms: the best of five batches of
    `repeat` calls after one uncounted call, so other load on the machine affects it little."""
    fn()
    best = float("inf")
    for _batch in range(5):
        start = time.thread_time()
        for _ in range(repeat):
            fn()
        best = min(best, (time.thread_time() - start) / repeat)
    return best * 1000
