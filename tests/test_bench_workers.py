"""bench/workers.py: a bench's worker and its children are stopped, also when the bench is
stopped by a signal before it gets to stop them itself."""

import os
import signal
import subprocess
import sys
import textwrap
import time

from bench import workers


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ", 1)[1][0] != "Z"


def _gone(pid: int, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _child_pid(log) -> int:
    return int(log.read_text().split("child ", 1)[1].split()[0])


def test_stop_worker_stops_its_children(tmp_path):
    log = tmp_path / "worker.log"
    process = workers.start_worker(["tests.bench_sleeper"], dict(os.environ), log)
    child = _child_pid(log)
    assert _alive(child)
    workers.stop_worker(process)
    assert process.poll() is not None
    assert _gone(child)


def test_a_bench_stopped_by_a_signal_leaves_no_worker(tmp_path):
    """The year bench's way: SIGTERM becomes SystemExit, and the worker it started (its
    whole group) is stopped on the way out, though the bench never stopped it."""
    log = tmp_path / "worker.log"
    bench = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import os, signal, sys, time
                from pathlib import Path
                from bench import workers
                signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
                workers.start_worker(["tests.bench_sleeper"], dict(os.environ), Path({str(log)!r}))
                print("started", flush=True)
                time.sleep(600)
                """
            ),
        ],
        cwd=workers.ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert bench.stdout.readline().strip() == "started"
    child = _child_pid(log)
    bench.send_signal(signal.SIGTERM)
    assert bench.wait(timeout=60) == 128 + signal.SIGTERM
    assert _gone(child)
