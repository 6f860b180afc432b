"""Gunicorn serving the app on a free loopback port, as in production: DEBUG off, a generated secret key,
only 127.0.0.1 allowed, against the database you name.

Gthread workers: each worker process takes its share of connections in its main loop and runs requests in a
small thread pool, keeping idle keep-alive connections out of the threads. Two processes use both cores
for Python; a few threads per process overlap each other's database waits (psycopg2 releases the GIL).
Sync workers would close every connection after one request (no keep-alive) and need a process per
concurrent request.

`--reuse-port` (the default here): each worker listens on the port with SO_REUSEPORT and the kernel spreads
new connections over them. On one shared listening socket, whichever worker wakes first accepts a burst of
connections, and keep-alive holds them there: in the load test one worker got 97 of 101 clients and the
other sat idle.
"""

import contextlib
import ipaddress
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

HOST = "127.0.0.1"


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for a Django connection's settings (PostgreSQL, trust or password auth)."""
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD")
    auth = f"{user}:{password}" if password else user
    host = settings_dict.get("HOST") or HOST
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}"


class GunicornServer:
    """`with GunicornServer(database_url=...) as server:` serves at `server.url` until the block ends.

    Stopping is SIGTERM to the master, then SIGKILL to its process group if it is not gone in time, so a
    failed test or an interrupted benchmark leaves nothing running."""

    def __init__(
        self,
        *,
        database_url: str,
        workers: int = 2,
        threads: int = 4,
        timeout: int = 30,
        reuse_port: bool = True,
        secret_key: str | None = None,
        env: dict[str, str] | None = None,
    ):
        self.database_url = database_url
        self.workers, self.threads, self.timeout = workers, threads, timeout
        self.reuse_port = reuse_port
        self.secret_key = secret_key or secrets.token_urlsafe(50)
        self.extra_env = env or {}
        self.state_dir = Path(tempfile.mkdtemp(prefix="gunicorn-"))
        self.log_path = self.state_dir / "gunicorn.log"
        self.process: subprocess.Popen | None = None
        self.port = 0

    # -- running ---------------------------------------------------------------------------------------
    def __enter__(self) -> "GunicornServer":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def environment(self) -> dict[str, str]:
        env = {
            name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "WEBHOOK_"))
        }
        env.update(
            DATABASE_URL=self.database_url,
            DJANGO_SETTINGS_MODULE="config.settings",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=self.secret_key,
            DJANGO_SECURE_SSL_REDIRECT="0",  # no TLS proxy in front on loopback
            DJANGO_ALLOWED_HOSTS=HOST,
            DJANGO_LOG_LEVEL="WARNING",
            GUNICORN_STATE_DIR=str(self.state_dir),
        )
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 90) -> None:
        if self.reuse_port:  # each worker binds the port itself, so it must be known beforehand
            self.port = free_port()
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--config", str(Path(__file__).with_name("gunicorn_conf.py")),
            "--bind", f"{HOST}:{self.port}",
            *(["--reuse-port"] if self.reuse_port else []),
            "--worker-class", "gthread",
            "--workers", str(self.workers),
            "--threads", str(self.threads),
            "--timeout", str(self.timeout),
            "--graceful-timeout", "5",
            "--keep-alive", "30",  # clients reuse connections; a proxy in front would time out first
            "--no-control-socket",  # gunicorn 27's default socket path is shared by every instance
            "--log-level", "info",
            "--error-logfile", str(self.log_path),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=self.environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so stop() can end every worker
        )
        deadline = time.monotonic() + timeout
        port_file = self.state_dir / "port"
        while not self.port:
            self._check_alive(deadline)
            time.sleep(0.05)
            if port_file.exists():
                self.port = int(port_file.read_text())
        # Ready when every worker has loaded the application (no request sent: memory is measured as booted).
        self.wait_for_workers(self.workers, timeout=max(1.0, deadline - time.monotonic()))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(15)
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):  # workers left by a master killed or hung
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        shutil.rmtree(self.state_dir, ignore_errors=True)

    def _started(self) -> subprocess.Popen:
        if self.process is None:
            raise RuntimeError("gunicorn has not been started.")
        return self.process

    def _check_alive(self, deadline: float) -> None:
        process = self._started()
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}\n{self.log_tail()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not become ready in time\n{self.log_tail()}")

    # -- its workers -------------------------------------------------------------------------------------
    def worker_pids(self) -> list[int]:
        """The live workers that have loaded the application, oldest first."""
        ready = []
        for pid in _children(self._started().pid):
            marker = self.state_dir / f"worker-{pid}"
            if marker.exists():
                ready.append((marker.stat().st_mtime, pid))
        return [pid for _, pid in sorted(ready)]

    def wait_for_workers(
        self, count: int, *, timeout: float = 60, without: Collection[int] = frozenset()
    ) -> list[int]:
        """Wait until `count` workers (none of the pids in `without`) can serve; their pids."""
        deadline = time.monotonic() + timeout
        while True:
            pids = [pid for pid in self.worker_pids() if pid not in without]
            if len(pids) >= count:
                return pids
            self._check_alive(deadline)
            time.sleep(0.05)

    def client_connections(self) -> dict[int, int]:
        """How many client connections each worker holds now (established TCP sockets on our port)."""
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()  # local address, remote address, state (01: established), … inode
                if int(fields[1].rsplit(":", 1)[1], 16) == self.port and fields[3] == "01":
                    inodes.add(fields[9])
        held = {}
        for pid in self.worker_pids():
            try:
                links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
            except OSError:
                continue
            held[pid] = sum(link.startswith("socket:[") and link[8:-1] in inodes for link in links)
        return held

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no gunicorn log)"


def free_port() -> int:
    """A loopback port nothing listens on now (another process could take it before we bind it; unlikely)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def rss_kb(pid: int) -> int:
    """Resident set size of a process, from /proc/<pid>/status (VmRSS, kB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pids) -> float:
    """User + system CPU time the processes have used so far (from /proc/<pid>/stat; gone ones count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = _stat_fields(Path(f"/proc/{pid}/stat").read_text())
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / os.sysconf("SC_CLK_TCK")


def _stat_fields(stat: str) -> list[str]:
    return stat[stat.rindex(")") + 2 :].split()  # the fields after "pid (command) ", from state on


def _children(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = _stat_fields(stat)
        if fields[0] != "Z" and int(fields[1]) == parent:
            children.append(int(entry.name))
    return children


def loopback_url(url: str) -> str:
    """`url` without a trailing slash, refused unless it is on this machine's loopback interface."""
    host = urlsplit(url).hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise ValueError(f"Load goes to loopback addresses only, not {host!r}.")
    return url.rstrip("/")
