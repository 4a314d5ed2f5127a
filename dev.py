#!/usr/bin/env python3
"""Set up and run the project with nothing but Python.

    python3 dev.py up      # venv, dependencies, database, demo content; then web + worker + beat
    python3 dev.py test    # venv, dependencies; then the test suite (pytest args may follow)

Everything runs on embedded defaults unless the environment says otherwise: SQLite in
var/db.sqlite3, kombu's filesystem broker in var/broker, mail written to var/mail.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".installed-from"


def run(*args, **kwargs):
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, **kwargs)


def ensure_venv():
    if not PYTHON.exists():
        run(sys.executable, "-m", "venv", VENV)
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    if not STAMP.exists() or STAMP.read_bytes() != pyproject:
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
        STAMP.write_bytes(pyproject)


def manage(*args):
    run(PYTHON, "manage.py", *args)


def up():
    ensure_venv()
    port = os.environ.get("PORT", "8000")
    base = f"http://localhost:{port}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("WAGTAILADMIN_BASE_URL", base)  # links in emails and JSON-LD
    manage("migrate", "--no-input")
    manage("seed_demo")
    manage("seed_demo_subscribers")
    manage("setup_moderation")
    manage("ensure_demo_admin")
    processes = [
        subprocess.Popen([PYTHON, "manage.py", "runserver", f"0.0.0.0:{port}"], cwd=ROOT),
        subprocess.Popen(
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
            ],
            cwd=ROOT,
        ),
        subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO"], cwd=ROOT
        ),
    ]
    print(
        f"\n  Admin:     {base}/admin/   (log in as admin / admin)"
        f"\n  GraphQL:   {base}/graphql/"
        f"\n  GraphiQL:  {base}/graphiql/"
        f"\n  Mail:      {ROOT / 'var' / 'mail'}  (one .log file per email sent)"
        "\n  Stop with Ctrl-C.\n",
        flush=True,
    )
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for p in processes:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in processes:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()


def ensure_browser():
    """The browser test drives Debian's Chromium; install it where we may (root with apt)."""
    if shutil.which("chromium"):
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        run("apt-get", "update", "-qq")
        run("apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium")
    else:
        print(
            "Chromium is not installed: the browser test will be skipped "
            "(sudo apt-get install chromium).",
            flush=True,
        )


def test(extra):
    ensure_venv()
    ensure_browser()
    result = subprocess.run([str(PYTHON), "-m", "pytest", *extra], cwd=ROOT)
    sys.exit(result.returncode)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    if command == "up":
        up()
    elif command == "test":
        test(sys.argv[2:])
    else:
        sys.exit(f"unknown command {command!r}; use `up` or `test`")
