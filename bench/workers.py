"""A real Celery worker for the benches: started in a session of its own, waited for until it
says it is ready, its whole process group stopped if it does not get there."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
    deadline = time.monotonic() + 120
    while "ready." not in log.read_text():
        if time.monotonic() > deadline or process.poll() is not None:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            raise SystemExit(f"worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)
    return process
