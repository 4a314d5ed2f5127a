"""The frontend's /api/revalidate accepts only the CMS's signed webhooks (Standard Webhooks:
`v1,<base64 HMAC-SHA256 of id.timestamp.body>`), within five minutes of their timestamp."""

import base64
import hashlib
import hmac
import json
import time
import uuid

import pytest
import requests

from tests.e2e.conftest import WEBHOOK_SECRET

# The frontend fixture uses the live server, which makes these tests transactional: roll back
# as the other end-to-end tests do, or their serialized database cannot be restored after us.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BODY = json.dumps(
    {
        "id": "msg_1",
        "event": "published",
        "page": {
            "id": 7,
            "type": "content.JobPostingPage",
            "title": "A job",
            "slug": "a-job",
            "urlPath": "/home/jobs/a-job/",
            "url": "/jobs/a-job/",
        },
    }
)


def signed(body: str, *, secret=WEBHOOK_SECRET, timestamp=None, message_id=None) -> dict:
    # A fresh id each time: the endpoint acts on each id once (see the replay test).
    message_id = message_id or f"msg_{uuid.uuid4().hex}"
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return {
        "webhook-id": message_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": f"v1,{base64.b64encode(mac).decode()}",
        "content-type": "application/json",
    }


def post(frontend, body, headers):
    return requests.post(f"{frontend}/api/revalidate/", data=body.encode(), headers=headers)


def test_a_signed_webhook_revalidates_the_page_and_its_listings(frontend):
    response = post(frontend, BODY, signed(BODY))
    assert response.status_code == 200, response.text
    revalidated = response.json()["revalidated"]
    assert revalidated[0] == "/jobs/a-job/"
    assert {"/jobs/", "/", "/[landing]/[discipline]"} <= set(revalidated)


def test_one_valid_signature_among_several_is_enough(frontend):
    headers = signed(BODY)
    headers["webhook-signature"] = "v1,bm9wZQ== " + headers["webhook-signature"]
    assert post(frontend, BODY, headers).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda h: {**h, "webhook-signature": "v1,AAAA"},
        lambda h: {k: v for k, v in h.items() if k != "webhook-signature"},
        lambda h: {**h, "webhook-id": "msg_2"},  # the id is part of what is signed
        lambda h: {**h, "webhook-signature": h["webhook-signature"].replace("v1,", "v2,")},
    ],
    ids=["wrong-mac", "unsigned", "other-id", "unknown-version"],
)
def test_forged_or_altered_webhooks_are_refused(frontend, tamper):
    assert post(frontend, BODY, tamper(signed(BODY))).status_code == 401


def test_an_altered_body_or_another_secret_is_refused(frontend):
    assert post(frontend, BODY.replace("a-job", "b-job"), signed(BODY)).status_code == 401
    other = "whsec_" + base64.b64encode(b"another-secret-of-32-bytes-long!").decode()
    assert post(frontend, BODY, signed(BODY, secret=other)).status_code == 401


@pytest.mark.parametrize("skew", [-301, 301])
def test_timestamps_more_than_five_minutes_off_are_refused(frontend, skew):
    headers = signed(BODY, timestamp=int(time.time()) + skew)
    assert post(frontend, BODY, headers).status_code == 401


def test_a_replayed_webhook_revalidates_nothing(frontend):
    headers = signed(BODY)
    first = post(frontend, BODY, headers)
    assert first.status_code == 200 and first.json()["revalidated"]
    # Captured and sent again within its five minutes, even re-signed with a new timestamp:
    # its id was used. A 2xx, so the CMS's own retry of a delivery we did get stops there.
    for again in (headers, signed(BODY, message_id=headers["webhook-id"])):
        replay = post(frontend, BODY, again)
        assert replay.status_code == 200
        assert replay.json() == {"ok": True, "duplicate": True, "revalidated": []}
