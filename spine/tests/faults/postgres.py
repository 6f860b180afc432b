"""A throwaway PostgreSQL cluster of our own (initdb into a temporary directory, a free loopback port,
trust authentication), so a test may stop and start the server without touching anyone else's."""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg2
from django.db import connection

BIN = Path(os.environ.get("POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(program: str, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    """A PostgreSQL program, as the postgres user when we are root (initdb and postgres refuse root)."""
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    result = subprocess.run(
        [*as_postgres, str(BIN / program), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=tempfile.gettempdir(),
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"{program} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


class PrivatePostgres:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data, self.log = self.root / "data", self.root / "postgres.log"
        self.port = free_port()
        self.running = False
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    def init(self) -> None:
        _run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=60"
        _run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """`fast`: sessions are ended, then a clean shutdown; `immediate`: as a crash (recovery on start)."""
        self.running = False
        _run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def destroy(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                _run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", "30", "stop", check=False)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def raw_connection():
    """A connection of our own to the test database, outside Django (to hold locks, to watch others)."""
    db = connection.settings_dict
    return psycopg2.connect(host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"])
