"""A real Weblate 5.14.3 on 127.0.0.1 for the round-trip test, and its PostgreSQL.

Started once for the session from `.venv-weblate` (see `make test-weblate`);
every process started here is stopped by its pid when the session ends, even
when a step fails, and each wait has a timeout that fails with one line.
"""

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-weblate"
TOKEN = "speerpunt-weblate-test-token"  # noqa: S105 (a throwaway instance on loopback)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail(f"{name} not found in /usr/lib/postgresql/*/bin: install Debian's postgresql",
                    pytrace=False)
    return found[-1]


def wait_for(what: str, ready, timeout: float, process: subprocess.Popen | None = None,
              log: Path | None = None) -> None:
    """Poll ready() until true; one line naming what failed (with the log's tail) otherwise."""
    deadline = time.monotonic() + timeout
    while not ready():
        if process is not None and process.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log else []
            pytest.fail(f"{what} exited with {process.returncode}: {' '.join(tail)}",
                        pytrace=False)
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not ready after {timeout:.0f} s", pytrace=False)
        time.sleep(0.3)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    """Stop one process we started, by its pid; SIGKILL if it does not go in time."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def run(command: list, what: str, timeout: float, **kwargs) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                **kwargs)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what} did not finish in {timeout:.0f} s", pytrace=False)
    if result.returncode:
        lines = (result.stderr.strip() or result.stdout.strip()).splitlines()
        print("\n".join(lines[-60:]), file=sys.stderr)  # the details, before the one line
        last = [line for line in lines if "ERROR" in line or "Error" in line][:1] or lines[-1:]
        pytest.fail(f"{what} failed ({result.returncode}): {' '.join(last)}", pytrace=False)
    return result.stdout


class Weblate:
    """The REST API of the running instance, as the admin."""

    def __init__(self, url: str, log: Path):
        self.url, self.log = url, log

    def api(self, method: str, path: str, data: dict | None = None, timeout: float = 120):
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(
            f"{self.url}/api/{path.lstrip('/')}", data=body, method=method,
            headers={"Authorization": f"Token {TOKEN}", "Content-Type": "application/json",
                     "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:300]
            tail = self.log.read_text(errors="replace").splitlines()[-60:]
            print("\n".join(tail), file=sys.stderr)  # the server's side, before the one line
            pytest.fail(f"Weblate API {method} {path}: HTTP {error.code}: {detail}",
                        pytrace=False)

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz/", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False


@pytest.fixture(scope="session")
def weblate():
    if not (VENV / "bin" / "weblate").exists():
        pytest.fail(f"{VENV}/bin/weblate missing: run `make test-weblate`", pytrace=False)
    base = Path(tempfile.mkdtemp(prefix="speerpunt-weblate-"))
    started: list[tuple[subprocess.Popen, int]] = []
    handlers = {sig: signal.signal(sig, _interrupted) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield _start(base, started)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        for process, sig in reversed(started):
            stop(process, sig)
        shutil.rmtree(base, ignore_errors=True)


def _interrupted(signum, frame):
    """A CI timeout's SIGTERM unwinds like Ctrl-C, so the servers are still stopped."""
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _start(base: Path, started: list) -> Weblate:
    """PostgreSQL (a throwaway cluster, fsync off), migrations, an admin, the server."""
    os.chmod(base, 0o755)
    pgdata, sockets = base / "pg", base / "pg-sockets"
    for directory in (pgdata, sockets):
        directory.mkdir()
        shutil.chown(directory, "postgres", "postgres")
    as_postgres = {"user": "postgres", "group": "postgres", "cwd": base}
    run([postgres_bin("initdb"), "-D", pgdata, "-U", "postgres", "--auth=trust",
         "--encoding=UTF8", "--locale=C.UTF-8"], "initdb", 120, **as_postgres)
    pg_port = free_port()
    pg_log = base / "postgres.log"
    with open(pg_log, "wb") as log:
        postgres = subprocess.Popen(
            [postgres_bin("postgres"), "-D", pgdata, "-p", str(pg_port), "-k", sockets,
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
             "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
            stdout=log, stderr=subprocess.STDOUT, **as_postgres)
    started.append((postgres, signal.SIGINT))  # SIGINT: PostgreSQL's fast shutdown
    pg_ready = [postgres_bin("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(pg_port)]
    wait_for("PostgreSQL", lambda: subprocess.run(pg_ready, timeout=10).returncode == 0, 60,
             postgres, pg_log)
    run([postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres",
         "weblate"], "createdb", 60)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "weblate_settings",
           "PYTHONPATH": str(Path(__file__).parent), "SPEERPUNT_WEBLATE_DATA": str(base / "data"),
           "SPEERPUNT_WEBLATE_PORT": "0", "SPEERPUNT_WEBLATE_PG_PORT": str(pg_port)}
    weblate = str(VENV / "bin" / "weblate")
    run([weblate, "migrate", "--noinput"], "weblate migrate", 900, env=env)
    run([weblate, "createadmin", "--username", "admin", "--email", "admin@example.com",
         "--password", "speerpunt-admin"], "weblate createadmin", 120, env=env)
    run([weblate, "shell", "-c",
         "from rest_framework.authtoken.models import Token;"
         "from weblate.auth.models import User;"
         "admin = User.objects.get(username='admin');"
         "Token.objects.filter(user=admin).delete();"
         f"Token.objects.create(user=admin, key='{TOKEN}')"],
        "creating the API token", 120, env=env)
    return _serve([weblate, "runserver", "--noreload"], env, base, started)


def _serve(command: list, env: dict, base: Path, started: list) -> Weblate:
    """The server on a free port; on another one when a program took it first."""
    for attempt in range(3):
        port = free_port()
        log_path = base / f"weblate-{attempt}.log"
        with open(log_path, "wb") as log:
            server = subprocess.Popen(
                [*command, f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT,
                env={**env, "SPEERPUNT_WEBLATE_PORT": str(port)}, cwd=base)
        started.append((server, signal.SIGTERM))
        client = Weblate(f"http://127.0.0.1:{port}", log_path)
        up = lambda server=server, client=client: server.poll() is not None or client.answers()  # noqa: E731
        wait_for("Weblate", up, 120)
        if server.poll() is None:
            return client
        output = log_path.read_text(errors="replace")
        if "already in use" not in output:
            break
    last = output.strip().splitlines()[-1:]
    pytest.fail(f"Weblate exited with {server.returncode}: {' '.join(last)}", pytrace=False)
