"""dev.py: what `python3 dev.py up` starts stops with it, and its choices reach other commands."""

import base64
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.notifications.smtp import free_port
from tests.processes import wait_for

ROOT = Path(__file__).resolve().parent.parent
CHOSEN = ("FRONTEND_BASE_URL", "WAGTAILADMIN_BASE_URL", "PREVIEW_URL", "WEBHOOK_URLS")


def answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def dev_env(tmp_path: Path) -> dict[str, str]:
    """`dev.py up`'s environment: embedded defaults (SQLite and files in VAR_DIR), whatever
    database the suite itself runs on."""
    services = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    env = {k: v for k, v in os.environ.items() if k not in {*CHOSEN, *services}}
    return {**env, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "VAR_DIR": str(tmp_path)}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_every_process_stops_with_dev_py(tmp_path, signum):
    """runserver serves from its autoreloader's child: stopping dev.py must stop that too."""
    port = free_port()
    env = dev_env(tmp_path)
    supervisor = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, dev; sys.exit(dev.supervise([(sys.argv[1:], None, None)]))",
            *[sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: answers(port), 90, "runserver to answer")
        supervisor.send_signal(signum)
        assert supervisor.wait(timeout=30) == 0
        wait_for(lambda: not answers(port), 5, "the server child to stop")
    finally:
        if supervisor.poll() is None:
            supervisor.kill()


def test_commands_in_another_shell_use_the_urls_dev_py_chose(tmp_path):
    import dev

    dev.write_dev_env(
        {
            "FRONTEND_BASE_URL": "http://localhost:3111",
            "WEBHOOK_SECRET": "whsec_" + base64.b64encode(bytes(24)).decode(),
        },
        path=tmp_path / "dev.env",
    )
    assert (tmp_path / "dev.env").stat().st_mode & 0o077 == 0  # the secret is the owner's

    def job_url(**env) -> str:
        out = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", PRINT_JOB_URL],
            cwd=ROOT,
            env={**dev_env(tmp_path), **env},
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    assert job_url() == "http://localhost:3111/jobs/{slug}/"
    # The shell's own environment wins; test settings never read the file.
    assert job_url(FRONTEND_BASE_URL="http://example.org") == "http://example.org/jobs/{slug}/"
    assert job_url(DEV_ENV_FILE="") == "http://localhost:8000/jobs/{slug}/"
    assert "3111" not in job_url(DJANGO_SETTINGS_MODULE="config.settings.test")


PRINT_JOB_URL = "from django.conf import settings; print(settings.NOTIFICATIONS_JOB_URL)"
