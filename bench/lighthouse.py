"""Lighthouse on the reference frontend: the home, guide, search, job, manage-alerts and
"Post a job" pages.

    python bench/lighthouse.py [--preset mobile|desktop] [--jobs 300]

Builds a throwaway demo database (SQLite in a temporary folder), serves it with gunicorn,
starts the built frontend (`next start`) on it, runs Lighthouse (npm, bench/lighthouse/) on
Debian's Chromium for each page, prints the four category scores with the load average, and
writes them to docs/benchmarks.md. Scores are Lighthouse's own 0-100; performance is
simulated (Lantern) but still moves with a busy machine, so record figures with a quiet one.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dev  # noqa: E402  (the same install and build steps as `dev.py up`)
from bench.report import load_average, write_heading_section  # noqa: E402

LIGHTHOUSE_DIR = ROOT / "bench" / "lighthouse"
RESULTS = ROOT / "docs" / "benchmarks.md"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# As the browser tests run it: headless, and no background traffic to a network we lack.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic "
    "--no-first-run --disable-background-networking --disable-component-update --disable-sync"
)
SECTION = "## Frontend: Lighthouse (`bench/lighthouse.py`)"
# A confirmed subscriber with two alerts in the demo database, for the manage-alerts page;
# prints its manage token.
SUBSCRIBER = """
from django.utils import timezone
from content.models import Discipline, Role
from notifications.models import JobAlert, Subscriber
from notifications.tokens import manage_token
now = timezone.now()
subscriber = Subscriber.objects.create(
    email="lighthouse@example.org", status=Subscriber.Status.CONFIRMED,
    consented_at=now, confirmed_at=now,
)
for frequency, role in (("DAILY", "phd"), ("WEEKLY", "postdoc")):
    alert = JobAlert.objects.create(
        subscriber=subscriber, frequency=frequency, active_since=now, any_discipline=False
    )
    alert.roles.set(Role.objects.filter(slug=role))
    alert.disciplines.set(Discipline.objects.filter(slug="machine-learning"))
print(manage_token(subscriber.pk))
"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Generous: gunicorn starts slowly on a busy machine.
def wait_until_up(url: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} did not come up")
        time.sleep(0.5)


def start(stack: ExitStack, args: list, env: dict, cwd: Path, log: Path) -> None:
    out = stack.enter_context(log.open("w"))
    process = subprocess.Popen([str(a) for a in args], cwd=cwd, env=env, stdout=out, stderr=out)
    stack.callback(process.wait, 30)
    stack.callback(process.terminate)


# The audits that say what client JavaScript costs, reported next to the scores: they move
# less with a busy machine than the performance score does.
TBT = "total-blocking-time"
NOINDEX = "is-crawlable"  # fails on purpose on a page that asks not to be indexed


@dataclass
class Run:
    scores: dict[str, int]
    tbt_ms: float
    script_bytes: int  # transferred (compressed), every script the page loaded
    seo_if_indexable: int | None  # the SEO score without is-crawlable, on a noindex page only


def lighthouse(
    url: str, preset: str, report: Path, verbose: bool = True, headers: dict | None = None
) -> Run:
    node = dev.node_root() / "bin" / "node"
    command = [
        node,
        LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js",
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    if headers:
        command.append(f"--extra-headers={json.dumps(headers)}")
    subprocess.run(
        [str(c) for c in command], check=True, env={**dev.node_env(), "CHROME_PATH": CHROMIUM}
    )
    result = json.loads(report.read_text())
    categories, audits = result["categories"], result["audits"]
    if verbose:
        for name in CATEGORIES:  # what cost points, so a drop can be acted on
            for ref in categories[name]["auditRefs"]:
                audit = audits[ref["id"]]
                if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                    print(f"  {name}: {audit['title']} ({audit['score']:.2f})")
    scripts = sum(
        item["transferSize"]
        for item in audits["resource-summary"]["details"]["items"]
        if item["resourceType"] == "script"
    )
    return Run(
        scores={name: round(categories[name]["score"] * 100) for name in CATEGORIES},
        tbt_ms=audits[TBT]["numericValue"],
        script_bytes=scripts,
        seo_if_indexable=seo_without_noindex(categories["seo"], audits),
    )


def seo_without_noindex(seo: dict, audits: dict) -> int | None:
    """On a page that asks not to be indexed (is-crawlable fails by design), the SEO score
    its other audits give; None on an indexable page. Lighthouse's category score is the
    weighted mean of its scored audits, so this is that mean without is-crawlable."""
    if audits[NOINDEX]["score"] != 0:
        return None
    refs = [
        r
        for r in seo["auditRefs"]
        if r["id"] != NOINDEX and r["weight"] and audits[r["id"]]["score"] is not None
    ]
    weight = sum(r["weight"] for r in refs)
    return round(100 * sum(r["weight"] * audits[r["id"]]["score"] for r in refs) / weight)


@dataclass
class PageResult:
    name: str
    path: str
    runs: list[Run]

    def median(self, category: str) -> int:
        return round(statistics.median(r.scores[category] for r in self.runs))

    @property
    def tbt_ms(self) -> float:
        return statistics.median(r.tbt_ms for r in self.runs)

    @property
    def script_kb(self) -> float:
        return statistics.median(r.script_bytes for r in self.runs) / 1000

    @property
    def seo_cell(self) -> str:
        without = [r.seo_if_indexable for r in self.runs if r.seo_if_indexable is not None]
        if not without:
            return str(self.median("seo"))
        # Not a failure to fix where a page must not be indexed (no page measured here now is).
        rest = round(statistics.median(without))
        return f"{self.median('seo')} (noindex by design; {rest} without that audit)"

    def line(self) -> str:
        scores = ", ".join(f"{c} {self.median(c)}" for c in CATEGORIES if c != "seo")
        return (
            f"{self.name:10} {scores}, seo {self.seo_cell}; TBT {self.tbt_ms:.0f} ms, "
            f"scripts {self.script_kb:.1f} kB (median of {len(self.runs)})"
        )


def write_results(rows: list[PageResult], preset: str, load: str, after: str, command: str) -> None:
    lines = [
        SECTION,
        "",
        f"Command: `{command}` ({date.today().isoformat()}, Lighthouse preset: {preset}, "
        f"Chromium {chromium_version()}, load average before the run: {load}, after: {after}). "
        f"Medians of {len(rows[0].runs)} runs per page; TBT is Total Blocking Time, scripts the "
        "JavaScript transferred (compressed).",
        "",
        "| page | URL | performance | accessibility | best practices | SEO | TBT ms | scripts kB |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        cells = [str(row.median(c)) for c in CATEGORIES[:3]] + [row.seo_cell]
        lines.append(
            f"| {row.name} | `{row.path}` | "
            + " | ".join(cells)
            + f" | {row.tbt_ms:.0f} | {row.script_kb:.1f} |"
        )
    lines.append("")
    write_heading_section(SECTION, "\n".join(lines))


def chromium_version() -> str:
    out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout
    return out.split()[1] if out.split() else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=["mobile", "desktop"], default="mobile")
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3, help="runs per page (medians reported)")
    parser.add_argument("--pages", help="comma-separated page names (default: all)")
    parser.add_argument("--reports", type=Path, help="keep each run's JSON report in this folder")
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()
    if not shutil.which(CHROMIUM):
        raise SystemExit(f"No Chromium at {CHROMIUM} (apt-get install chromium)")
    load = load_average()
    print(f"load average: {load}", flush=True)

    dev.ensure_frontend()
    if not (LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse").exists():
        dev.npm("ci", "--no-audit", "--no-fund", cwd=LIGHTHOUSE_DIR)

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        tmp = Path(tmp)
        cms_port, frontend_port = free_port(), free_port()
        frontend = f"http://localhost:{frontend_port}"
        cms_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DEBUG": "false",
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "VAR_DIR": str(tmp / "var"),
            "FRONTEND_BASE_URL": frontend,
        }
        for step in (["migrate", "--no-input"], ["seed_demo", "--jobs", str(options.jobs)]):
            subprocess.run(
                [dev.PYTHON, "manage.py", *step],
                cwd=ROOT,
                env=cms_env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        start(
            stack,
            [
                dev.PYTHON,
                "-m",
                "gunicorn",  # gunicorn.conf.py: the ASGI worker and config.asgi, as deployed
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{cms_port}",
            ],
            cms_env,
            ROOT,
            tmp / "cms.log",
        )
        start(
            stack,
            [
                dev.FRONTEND / "node_modules" / ".bin" / "next",
                "start",
                "-p",
                frontend_port,
                "-H",
                "127.0.0.1",
            ],
            {
                **dev.node_env(),
                "CMS_GRAPHQL_URL": f"http://127.0.0.1:{cms_port}/graphql/",
                "FRONTEND_BASE_URL": frontend,
            },
            dev.FRONTEND,
            tmp / "frontend.log",
        )
        wait_until_up(f"http://127.0.0.1:{cms_port}/healthz")
        wait_until_up(f"{frontend}/jobs/")
        with urllib.request.urlopen(f"{frontend}/jobs/feed.xml?disciplines=machine-learning") as r:
            job_path = re.search(
                r"<link>https?://[^/]+(/jobs/[^<]+)</link><guid>", r.read().decode()
            )
        token = subprocess.run(
            [dev.PYTHON, "manage.py", "shell", "-c", SUBSCRIBER],
            cwd=ROOT,
            env=cms_env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        # The manage page as a subscriber sees it: at the address without the token, with the
        # cookie its email link sets (frontend/src/lib/subscriberToken.ts).
        subscriber = {"Cookie": f"alerts_token={urllib.parse.quote(token, safe='')}"}
        pages = [
            ("home", "/", None),
            ("guide", "/guides/phd-jobs-in-machine-learning/", None),
            ("search", "/jobs/?disciplines=machine-learning&roles=phd", None),
            ("job", job_path.group(1), None),
            ("alerts", "/alerts/manage/", subscriber),
            ("post-a-job", "/post-a-job/", None),
        ]
        if options.pages:
            wanted = options.pages.split(",")
            pages = [page for page in pages if page[0] in wanted]
        rows = []
        for name, path, headers in pages:
            # Warm the server's caches once; the manage page must be the subscriber's.
            request = urllib.request.Request(frontend + path, headers=headers or {})
            with urllib.request.urlopen(request) as response:
                if headers and "lighthouse@example.org" not in response.read().decode():
                    raise SystemExit(f"{path} does not show the subscriber's alerts")
            reports = options.reports or tmp
            reports.mkdir(parents=True, exist_ok=True)
            runs = [
                lighthouse(
                    frontend + path, options.preset, reports / f"{name}-{i}.json", i == 0, headers
                )
                for i in range(options.runs)
            ]
            rows.append(PageResult(name, path, runs))
            print(rows[-1].line(), flush=True)
    after = load_average()
    print(f"load average after: {after}")
    if not options.no_write:
        flags = "" if options.preset == "mobile" else f" --preset {options.preset}"
        command = f"python bench/lighthouse.py{flags} --runs {options.runs}"
        write_results(rows, options.preset, load, after, command)
        print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
