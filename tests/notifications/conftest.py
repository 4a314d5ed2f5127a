import base64
import subprocess

import pytest


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
