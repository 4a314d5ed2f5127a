"""Views and apply clicks per posting and day, counted without tracking anyone.

Two public endpoints (wired in cms/urls.py):

- `GET /apply/<job id>/`: the job's apply action. The job must be public (the one rule,
  content/visibility.py `open_jobs`); then the click is counted and the answer is a 302 to
  the job's own stored `application_url` (http or https only), else to `mailto:` its
  `application_email`. Nothing from the request decides where it goes, so it is no open
  redirect. A job that is not public (a draft, closed, expired, private) is a 404 and is not
  counted.
- `POST /beacon/view/<job id>/`: one view of the job's page, sent by the frontend's job page
  (through the frontend's own /api/beacon/ route, which signs the visitor's address,
  cms/visitor.py). 204; 404 for a job that is not public.

What is stored: `cms.models.JobActivity`, one row per job and day with two counters, added to
in the database (`F() + 1`, a row created on the day's first count), so concurrent requests
never lose a count. No cookie is set, and no address, user agent, referrer or identifier is
stored. The per-address rate limit (django-ratelimit, the address as cms/visitor.py vouches
for it) keeps only a hashed counter in the cache for its window.

Not counted (the bot rule, `is_bot`), and answered exactly as a counted request would be:

1. a `HEAD` request;
2. a prefetch or prerender: `Purpose: prefetch`, `Sec-Purpose: prefetch...` (also
   `prefetch;prerender`) or `X-Moz: prefetch`;
3. a missing or empty `User-Agent`;
4. a `User-Agent` matching `BOT_PATTERN` (crawlers, link previewers, HTTP libraries and
   command-line clients, headless browsers);
5. beyond `ACTIVITY_COUNTS_PER_ADDRESS_PER_HOUR` counts from one address in an hour.
"""

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from cms.models import JobActivity
from content.visibility import open_jobs

VIEWS = "views"
APPLY_CLICKS = "apply_clicks"

# User agents that are not a person reading a job: crawlers and link previewers, HTTP
# libraries and command-line clients, headless and automated browsers.
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|archiver|indexer|scanner|monitor|checker|fetcher|preview"
    r"|facebookexternalhit|embedly|quora link|whatsapp|telegram|skypeuripreview|bitlyshort"
    r"|curl|wget|httpie|python|aiohttp|httpx|requests|urllib|okhttp|go-http-client|java/"
    r"|libwww|node-fetch|undici|axios|postman|insomnia"
    r"|headless|phantomjs|selenium|puppeteer|playwright|lighthouse|pingdom|uptime",
    re.IGNORECASE,
)


def is_bot(request) -> bool:
    """The documented bot rule (rules 1 to 4 of the module docstring)."""
    if request.method == "HEAD":
        return True
    purpose = " ".join(
        request.headers.get(name, "") for name in ("Purpose", "Sec-Purpose", "X-Moz")
    ).lower()
    if "prefetch" in purpose or "prerender" in purpose:
        return True
    agent = request.headers.get("User-Agent", "").strip()
    return not agent or BOT_PATTERN.search(agent) is not None


def _over_limit(request) -> bool:
    per_hour = settings.ACTIVITY_COUNTS_PER_ADDRESS_PER_HOUR
    if per_hour <= 0:
        return False
    return is_ratelimited(
        request, group="cms.activity", key="ip", rate=f"{per_hour}/h", increment=True
    )


def add(job_id: int, counter: str, day=None) -> None:
    """One more `counter` (VIEWS or APPLY_CLICKS) for the job on `day` (today by default),
    added in the database so that concurrent counts all land."""
    day = day or timezone.localdate()
    rows = JobActivity.objects.filter(job_id=job_id, date=day)
    if rows.update(**{counter: F(counter) + 1}):
        return
    try:
        with transaction.atomic():
            JobActivity.objects.create(job_id=job_id, date=day, **{counter: 1})
    except IntegrityError:  # another request created the day's row meanwhile
        rows.update(**{counter: F(counter) + 1})


def count(request, job_id: int, counter: str) -> bool:
    """Count the request unless the bot rule or the address's limit says not to."""
    if is_bot(request) or _over_limit(request):
        return False
    add(job_id, counter)
    return True


def _public_job(job_id: int):
    job = open_jobs().filter(pk=job_id).only("application_url", "application_email").first()
    if job is None:
        raise Http404("No such job.")
    return job


def apply_target(job) -> str | None:
    """Where the job's apply action goes: its stored application URL if it is http(s), else
    its application email; None if it has neither."""
    url = (job.application_url or "").strip()
    if re.match(r"https?://", url, re.IGNORECASE):
        return url
    email = (job.application_email or "").strip()
    if email and "\n" not in email and "\r" not in email:
        return f"mailto:{email}"
    return None


class ApplyRedirect(HttpResponseRedirect):
    allowed_schemes = ["http", "https", "mailto"]


@never_cache
@require_http_methods(["GET", "HEAD"])
def apply(request, job_id: int):
    job = _public_job(job_id)
    target = apply_target(job)
    if target is None:
        raise Http404("This job has no application address.")
    count(request, job.pk, APPLY_CLICKS)
    response = ApplyRedirect(target)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@csrf_exempt
@never_cache
@require_POST
def view_beacon(request, job_id: int):
    job = _public_job(job_id)
    count(request, job.pk, VIEWS)
    return HttpResponse(status=204)
