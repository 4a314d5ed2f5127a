"""A real Celery worker for the benches: started in a session of its own, waited for until it
says it is ready, its whole process group stopped if it does not get there, when the bench
stops it, or at the latest when the bench's interpreter exits (a bench stopped by a signal
that it turns into SystemExit, as bench/year_bench.py does, leaves no worker behind)."""

import atexit
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_running: list[subprocess.Popen] = []


def start_worker(module_args: list[str], env: dict, log: Path) -> subprocess.Popen:
    """`python -m <module_args>` (a Celery worker command) with `env`, its output in `log`."""
    process = subprocess.Popen(
        [sys.executable, "-m", *module_args],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    if not _running:
        atexit.register(_stop_all)
    _running.append(process)
    deadline = time.monotonic() + 120
    while "ready." not in log.read_text():
        if time.monotonic() > deadline or process.poll() is not None:
            stop_worker(process)
            raise SystemExit(f"worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)
    return process


def stop_worker(process: subprocess.Popen, timeout: float = 60) -> None:
    """Stop the worker's whole process group (its pool's children too): SIGTERM, then
    SIGKILL if it has not gone within `timeout` seconds."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def _stop_all() -> None:
    for process in _running:
        stop_worker(process)
