import base64
import subprocess

import pytest

from config.celery import app as celery_app


@pytest.fixture
def eager_celery():
    """Unit tests run tasks in-process; the end-to-end tests use a real worker instead."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def dkim_key(tmp_path):
    key = tmp_path / "dkim.pem"
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
        stdout=key.open("wb"),
        check=True,
        stderr=subprocess.DEVNULL,
    )
    public = subprocess.run(
        ["openssl", "pkey", "-in", str(key), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    return key.read_text(), record
