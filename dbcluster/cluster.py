"""Start, watch and stop the cluster (see the package's docstring); its state is a JSON file in its
directory, so `python -m dbcluster stop` in another process ends what `start` began."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg2

from . import configs
from .configs import Node

STATE = "cluster.json"
PROGRAMS = {"etcd": "/usr/bin/etcd", "patroni": "/usr/bin/patroni", "haproxy": "/usr/sbin/haproxy"}
PGBOUNCER = "/usr/sbin/pgbouncer"
DATABASE = "maternity"


class ClusterError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def missing_programs() -> list[str]:
    """The Debian packages to install before a cluster can start (empty when all are there)."""
    wanted = {
        "etcd-server": PROGRAMS["etcd"],
        "patroni": PROGRAMS["patroni"],
        "haproxy": PROGRAMS["haproxy"],
        "pgbouncer": PGBOUNCER,
        "postgresql-15": str(configs.POSTGRES_BIN / "postgres"),
    }
    return [package for package, path in wanted.items() if not Path(path).exists()]


@dataclass
class Ports:
    etcd: int
    etcd_peer: int
    haproxy_primary: int
    haproxy_replicas: int
    pgbouncer_primary: int
    pgbouncer_replicas: int


@dataclass
class Cluster:
    root: Path
    ports: Ports
    nodes: list[Node]
    pids: dict[str, int] = field(default_factory=dict)

    # --- made, saved, loaded -------------------------------------------------------------------------------

    @classmethod
    def create(cls, root: Path | None = None, *, size: int = 3) -> "Cluster":
        if root is None:
            root = Path(tempfile.mkdtemp(prefix="maternity-cluster-"))
        root.mkdir(parents=True, exist_ok=True)
        ports = Ports(*(free_port() for _ in range(6)))
        nodes = [Node(f"pg{i}", free_port(), free_port(), root / f"pg{i}") for i in range(size)]
        cluster = cls(root=root, ports=ports, nodes=nodes)
        cluster._save()
        return cluster

    @classmethod
    def load(cls, root: Path) -> "Cluster":
        state = json.loads((root / STATE).read_text())
        nodes = [Node(n["name"], n["pg_port"], n["rest_port"], Path(n["data"])) for n in state["nodes"]]
        return cls(root=root, ports=Ports(**state["ports"]), nodes=nodes, pids=state["pids"])

    def _save(self) -> None:
        state = {
            "ports": asdict(self.ports),
            "nodes": [{**asdict(n), "data": str(n.data)} for n in self.nodes],
            "pids": self.pids,
            "urls": self.urls(),
        }
        (self.root / STATE).write_text(json.dumps(state, indent=2))

    # --- what the app is given ------------------------------------------------------------------------------

    def urls(self, database: str = DATABASE) -> dict[str, str]:
        """The settings an app server sets to use this cluster (docs/deployment.md)."""
        return {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.ports.pgbouncer_primary}/{database}",
            "DATABASE_POOL_MODE": "transaction",
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{self.ports.pgbouncer_replicas}/{database}",
            "DATABASE_DIRECT_URL": f"postgres://postgres@127.0.0.1:{self.ports.haproxy_primary}/{database}",
        }

    # --- starting -------------------------------------------------------------------------------------------

    def start(self) -> None:
        missing = missing_programs()
        if missing:
            raise ClusterError(f"install these Debian packages first: apt-get install {' '.join(missing)}")
        (self.root / "logs").mkdir(exist_ok=True)
        for node in self.nodes:
            (self.root / "logs" / node.name).mkdir(exist_ok=True)
        (self.root / "pgbouncer-users.txt").write_text('"postgres" ""\n')
        self._own_root()
        try:
            self._start_etcd()
            first, *others = self.nodes
            self._start_patroni(first)
            self._wait(lambda: self._role(first) == "primary", f"{first.name} to become the primary", 90)
            for node in others:
                self._start_patroni(node)
            for node in others:
                self._wait(
                    lambda n=node: self._role(n) == "replica", f"{node.name} to stream as a replica", 120
                )
            self._wait(lambda: self.sync_standby() is not None, "a synchronous standby", 60)
            self._start_haproxy()
            self._start_pgbouncer("primary", self.ports.pgbouncer_primary, self.ports.haproxy_primary)
            self._start_pgbouncer("replicas", self.ports.pgbouncer_replicas, self.ports.haproxy_replicas)
            self._wait(self._doors_open, "HAProxy and PgBouncer to reach the primary and a replica", 30)
            self.create_database(DATABASE)
            self._wait(self.replicas_caught_up, "the replicas to replay the new database", 30)
        except BaseException:
            self.stop(remove=False)
            raise
        finally:
            self._save()

    def _own_root(self) -> None:
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: every part runs as postgres
            closed = [parent for parent in self.root.parents if not parent.stat().st_mode & 0o001]
            if closed:
                raise ClusterError(f"{closed[0]} is closed to the postgres user: choose another --dir")
            for path in [self.root, *self.root.rglob("*")]:
                shutil.chown(path, "postgres", "postgres")

    def _spawn(self, name: str, argv: list[str]) -> None:
        log = open(self.root / "logs" / f"{name}.out", "ab")  # noqa: SIM115 (the child keeps it)
        root = os.geteuid() == 0  # then every part runs as postgres (PostgreSQL refuses root)
        env = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": str(self.root), "LANG": "C.UTF-8"}
        process = subprocess.Popen(
            argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=self.root,
            env=env,
            start_new_session=True,  # its own process group: stop() ends it with all its children
            user="postgres" if root else None,
            group="postgres" if root else None,
            extra_groups=[] if root else None,
        )
        log.close()
        self.pids[name] = process.pid
        self._save()

    def _start_etcd(self) -> None:
        peer = f"http://127.0.0.1:{self.ports.etcd_peer}"
        client = f"http://127.0.0.1:{self.ports.etcd}"
        self._spawn(
            "etcd",
            [
                PROGRAMS["etcd"],
                "--name=etcd0",
                f"--data-dir={self.root / 'etcd'}",
                f"--listen-client-urls={client}",
                f"--advertise-client-urls={client}",
                f"--listen-peer-urls={peer}",
                f"--initial-advertise-peer-urls={peer}",
                f"--initial-cluster=etcd0={peer}",
                "--initial-cluster-state=new",
                "--log-level=warn",
            ],
        )
        self._wait(lambda: b"true" in _get(f"{client}/health"), "etcd", 30)

    def _start_patroni(self, node: Node) -> None:
        path = self.root / f"patroni-{node.name}.yml"
        path.write_text(configs.patroni(node, etcd_port=self.ports.etcd, root=self.root))
        self._own_root()
        self._spawn(f"patroni-{node.name}", [PROGRAMS["patroni"], str(path)])

    def _start_haproxy(self) -> None:
        path = self.root / "haproxy.cfg"
        path.write_text(
            configs.haproxy(
                self.nodes, primary_port=self.ports.haproxy_primary, replica_port=self.ports.haproxy_replicas
            )
        )
        self._spawn("haproxy", [PROGRAMS["haproxy"], "-db", "-f", str(path)])

    def _start_pgbouncer(self, name: str, listen_port: int, server_port: int) -> None:
        path = self.root / f"pgbouncer-{name}.ini"
        path.write_text(
            configs.pgbouncer(listen_port=listen_port, server_port=server_port, root=self.root, name=name)
        )
        self._own_root()
        self._spawn(f"pgbouncer-{name}", [PGBOUNCER, str(path)])

    def _doors_open(self) -> bool:
        try:
            return (
                self.in_recovery(self.ports.pgbouncer_primary, "postgres") is False
                and self.in_recovery(self.ports.pgbouncer_replicas, "postgres") is True
            )
        except psycopg2.Error:
            return False

    # --- what tests and people ask --------------------------------------------------------------------------

    def members(self) -> list[dict]:
        """Patroni's view of the cluster (`GET /cluster`), from the first node that answers."""
        for node in self.nodes:
            try:
                return json.loads(_get(f"{node.rest_url}/cluster"))["members"]
            except (OSError, ValueError, KeyError):
                continue
        return []

    def _role(self, node: Node) -> str | None:
        for member in self.members():
            if member["name"] == node.name and member.get("state") in ("running", "streaming"):
                return {"leader": "primary", "sync_standby": "replica", "replica": "replica"}.get(
                    member["role"]
                )
        return None

    def primary(self) -> Node | None:
        return next((n for n in self.nodes if self._role(n) == "primary"), None)

    def replicas(self) -> list[Node]:
        return [n for n in self.nodes if self._role(n) == "replica"]

    def sync_standby(self) -> Node | None:
        names = {
            m["name"]
            for m in self.members()
            if m["role"] == "sync_standby" and m.get("state") in ("running", "streaming")
        }
        return next((n for n in self.nodes if n.name in names), None)

    def connect(self, port: int, database: str = DATABASE):
        connection = psycopg2.connect(
            host="127.0.0.1", port=port, user="postgres", dbname=database, connect_timeout=3
        )
        connection.autocommit = True
        return connection

    def in_recovery(self, port: int, database: str = DATABASE) -> bool:
        connection = self.connect(port, database)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_is_in_recovery()")
                return cursor.fetchone()[0]
        finally:
            connection.close()

    def create_database(self, name: str) -> None:
        """Made on the primary, directly (CREATE DATABASE needs no transaction, and a pooler's idle server
        connections would keep a DROP from working)."""
        connection = self.connect(self.ports.haproxy_primary, "postgres")
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()

    def replicas_caught_up(self) -> bool:
        """Every replica has replayed all the WAL the primary has written so far."""
        primary = self.primary()
        if primary is None:
            return False
        lsns = []
        for node in [primary, *self.replicas()]:
            connection = self.connect(node.pg_port, "postgres")
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_current_wal_lsn()"
                        if node is primary
                        else "SELECT pg_last_wal_replay_lsn()"
                    )
                    lsns.append(cursor.fetchone()[0])
            finally:
                connection.close()
        target, *replayed = (_lsn(value) for value in lsns)
        return bool(replayed) and all(value >= target for value in replayed)

    def postmaster_pid(self, node: Node) -> int:
        return int((node.data / "postmaster.pid").read_text().split()[0])

    def kill_postmaster(self, node: Node) -> int:
        """SIGKILL to the node's postmaster, as a crash: its backends exit as they notice, and Patroni on that
        node finds PostgreSQL gone at its next loop."""
        pid = self.postmaster_pid(node)
        os.kill(pid, signal.SIGKILL)
        return pid

    def set_maintenance(self, on: bool) -> None:
        """Patroni's maintenance mode (`patronictl pause`): it stops managing PostgreSQL, so it neither fails
        over nor resumes a replica's paused WAL replay (which it otherwise does on every loop, because
        PostgreSQL 14+ pauses replay by itself when a hot-standby parameter changes)."""
        body = json.dumps({"pause": on}).encode()
        request = urllib.request.Request(
            f"{self.nodes[0].rest_url}/config",
            data=body,
            method="PATCH",
            headers={"Content-Type": "application/json"},
        )
        for node in self.nodes:  # the first that answers
            request.full_url = f"{node.rest_url}/config"
            try:
                urllib.request.urlopen(request, timeout=5).close()
                break
            except OSError:
                continue
        else:
            raise ClusterError("no Patroni node answered PATCH /config")

        def applied() -> bool:
            states = [json.loads(_get(f"{n.rest_url}/patroni")).get("pause", False) for n in self.nodes]
            return all(state == on for state in states)

        self._wait(applied, f"maintenance mode {'on' if on else 'off'} on every node", 30)

    def set_replay(self, node: Node, *, paused: bool) -> None:
        """Hold a replica's WAL replay back (it still receives and flushes WAL, so synchronous commits go on,
        but its data stops moving), or let it go on. Only in maintenance mode does it stay held."""
        connection = self.connect(node.pg_port)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")
        finally:
            connection.close()

    def wait_for(self, condition, what: str, seconds: float) -> None:
        self._wait(condition, what, seconds)

    def _wait(self, condition, what: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if condition():
                    return
            except (OSError, psycopg2.Error):
                pass
            time.sleep(0.25)
        raise ClusterError(f"gave up waiting for {what} after {seconds:.0f} s; logs in {self.root / 'logs'}")

    # --- stopping -------------------------------------------------------------------------------------------

    def stop(self, *, remove: bool = True) -> None:
        """Patroni first (it stops its PostgreSQL), then the rest; anything left is killed. The directory
        goes too unless `remove` is False (its logs explain a failed start)."""
        order = [name for name in self.pids if name.startswith("patroni")] + [
            name for name in self.pids if not name.startswith("patroni")
        ]
        for name in order:
            _signal_group(self.pids[name], signal.SIGTERM)
            _wait_gone(self.pids[name], 20)
        for name in order:
            _signal_group(self.pids[name], signal.SIGKILL)
        for node in self.nodes:  # a postmaster whose Patroni was killed first
            with contextlib.suppress(OSError, ValueError):
                os.kill(self.postmaster_pid(node), signal.SIGKILL)
        self.pids = {}
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)


def _lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def _get(url: str, timeout: float = 2) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        return error.read()


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def _wait_gone(pid: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except (ProcessLookupError, PermissionError):
            return
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reap our own child, or it lingers as a zombie
        time.sleep(0.1)
