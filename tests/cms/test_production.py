"""Production settings, loaded for real in a separate process (they differ from the test
settings this process runs on), and CORS on the endpoint."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
graphql = client.get("/graphql/", {"query": "{ __typename }"}, secure=True)
print(json.dumps({
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "hsts": graphql.headers.get("Strict-Transport-Security"),
    "graphql_status": graphql.status_code,
    "plain_http": client.get("/graphql/", {"query": "{ __typename }"}).status_code,
    "healthz_plain_http": client.get("/healthz").status_code,
    "cors": settings.CORS_ALLOWED_ORIGINS,
}))
"""


def run_production(tmp_path, **env) -> subprocess.CompletedProcess:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    base.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        VAR_DIR=str(tmp_path),
        ALLOWED_HOSTS="testserver",
        GRAPHQL_CACHE_SECONDS="0",
        DEFAULT_FROM_EMAIL="Academic Jobs <alerts@jobs.example.org>",
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=base, capture_output=True, text=True
    )


def test_production_is_secure_and_logs_json(tmp_path):
    result = run_production(
        tmp_path, SECRET_KEY="x" * 50, CORS_ALLOWED_ORIGINS="https://jobs.example.org"
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["session_secure"] and probe["csrf_secure"]
    assert probe["hsts"].startswith("max-age=31536000")
    assert probe["graphql_status"] == 200
    assert probe["plain_http"] == 301  # redirected to HTTPS
    assert probe["healthz_plain_http"] in (200, 503)  # probes are not redirected
    assert probe["cors"] == ["https://jobs.example.org"]
    log_lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    requests = [line for line in log_lines if line.get("event") == "graphql_request"]
    assert len(requests) == 1  # the redirected request never reached the view
    assert requests[0]["status"] == 200
    assert requests[0]["logger"] == "cms.graphql.requests"


def test_production_refuses_to_start_without_a_secret(tmp_path):
    result = run_production(tmp_path, SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    "published", ["dev-only-insecure-key-do-not-use-in-production", "test-only-key"]
)
def test_production_refuses_the_published_development_secret(tmp_path, published):
    result = run_production(tmp_path, SECRET_KEY=published)
    assert result.returncode != 0
    assert "development key published with the code" in result.stderr


def test_production_refuses_a_webhook_secret_not_in_the_standard_form(tmp_path):
    result = run_production(tmp_path, SECRET_KEY="x" * 50, WEBHOOK_SECRET="free-form secret")
    assert result.returncode != 0
    assert "WEBHOOK_SECRET must be 'whsec_'" in result.stderr


def test_production_refuses_a_wildcard_cors_origin(tmp_path):
    result = run_production(tmp_path, SECRET_KEY="x" * 50, CORS_ALLOWED_ORIGINS="*")
    assert result.returncode != 0
    assert "CORS_ALLOWED_ORIGINS" in result.stderr


@pytest.mark.django_db
def test_cors_only_for_configured_frontends(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://jobs.example.org"]
    preflight = {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST"}
    allowed = client.options("/graphql/", HTTP_ORIGIN="https://jobs.example.org", **preflight)
    assert allowed["Access-Control-Allow-Origin"] == "https://jobs.example.org"
    foreign = client.options("/graphql/", HTTP_ORIGIN="https://evil.example", **preflight)
    assert "Access-Control-Allow-Origin" not in foreign
    admin = client.options("/admin/", HTTP_ORIGIN="https://jobs.example.org", **preflight)
    assert "Access-Control-Allow-Origin" not in admin


@pytest.mark.parametrize(
    "sender", ["Academic Jobs <alerts@localhost>", "alerts@LOCALHOST.", "a@mail.localhost", "x"]
)
def test_production_refuses_a_sender_on_localhost(tmp_path, sender):
    result = run_production(tmp_path, SECRET_KEY="x" * 50, DEFAULT_FROM_EMAIL=sender)
    assert result.returncode != 0
    assert "DEFAULT_FROM_EMAIL must be an address at your own domain" in result.stderr


def test_production_refuses_half_a_dkim_configuration(tmp_path):
    result = run_production(tmp_path, SECRET_KEY="x" * 50, EMAIL_DKIM_SELECTOR="mail")
    assert result.returncode != 0
    assert "EMAIL_DKIM_PRIVATE_KEY, EMAIL_DKIM_SELECTOR and EMAIL_DKIM_DOMAIN" in result.stderr
