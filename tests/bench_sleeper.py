"""A stand-in for a bench's Celery worker (tests/test_bench_workers.py): says it is ready,
has a child of its own, as a worker's pool does, and waits to be stopped."""

import subprocess
import sys
import time

if __name__ == "__main__":
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    print(f"child {child.pid}", flush=True)
    print("ready.", flush=True)
    time.sleep(600)
