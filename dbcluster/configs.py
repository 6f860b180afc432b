"""The configuration files of the cluster's parts, from its ports and directories (cluster.py)."""

import json
from dataclasses import dataclass
from pathlib import Path

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
SCOPE = "maternity"


@dataclass(frozen=True)
class Node:
    name: str
    pg_port: int
    rest_port: int
    data: Path

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.rest_port}"


def patroni(node: Node, *, etcd_port: int, root: Path) -> str:
    """One node's Patroni configuration (JSON is YAML). Timings are tight for a test on one machine: the
    loop runs every second, and a primary whose PostgreSQL crashed fails over at once
    (`primary_start_timeout: 0`) instead of restarting in place, which is safe only because replication is
    synchronous: the promoted replica has every acknowledged commit."""
    config = {
        "scope": SCOPE,
        "namespace": "/dbcluster/",
        "name": node.name,
        "log": {"dir": str(root / "logs" / node.name), "level": "INFO"},
        "restapi": {
            "listen": f"127.0.0.1:{node.rest_port}",
            "connect_address": f"127.0.0.1:{node.rest_port}",
        },
        "etcd3": {"hosts": [f"127.0.0.1:{etcd_port}"]},
        "bootstrap": {
            "dcs": {
                "ttl": 20,
                "loop_wait": 1,
                "retry_timeout": 5,
                "primary_start_timeout": 0,
                "maximum_lag_on_failover": 1048576,
                "synchronous_mode": True,
                "postgresql": {
                    "use_pg_rewind": True,
                    "use_slots": True,
                    "parameters": {
                        "max_connections": 200,
                        "wal_level": "replica",
                        "hot_standby": "on",
                        "wal_log_hints": "on",
                        "max_wal_senders": 10,
                        "max_replication_slots": 10,
                        "wal_keep_size": "256MB",
                        # What the app sends as startup options when it connects directly, set on the
                        # server because PgBouncer refuses startup options (config/settings.py).
                        "jit": "off",
                        "client_connection_check_interval": "2s",
                        "timezone": "UTC",
                        # A replica's long report query may be cancelled by replay rather than hold it back
                        # for long; the app retries nothing, it shows the error (docs/deployment.md).
                        "max_standby_streaming_delay": "30s",
                        "hot_standby_feedback": "on",
                    },
                },
            },
            "initdb": [{"encoding": "UTF8"}, "data-checksums", {"auth": "trust"}],
        },
        "postgresql": {
            "listen": f"127.0.0.1:{node.pg_port}",
            "connect_address": f"127.0.0.1:{node.pg_port}",
            "data_dir": str(node.data),
            "bin_dir": str(POSTGRES_BIN),
            "pgpass": str(root / f"pgpass-{node.name}"),
            "authentication": {
                "superuser": {"username": "postgres"},
                "replication": {"username": "postgres"},
                "rewind": {"username": "postgres"},
            },
            "parameters": {"unix_socket_directories": str(root)},
            "pg_hba": [
                "local all all trust",
                "host all all 127.0.0.1/32 trust",
                "host replication all 127.0.0.1/32 trust",
            ],
            "remove_data_directory_on_rewind_failure": True,
            "remove_data_directory_on_diverged_timelines": True,
        },
        "tags": {"nofailover": False, "noloadbalance": False, "clonefrom": False, "nosync": False},
    }
    return json.dumps(config, indent=2)


def haproxy(nodes: list[Node], *, primary_port: int, replica_port: int) -> str:
    """Two front doors: `primary_port` always reaches the node whose Patroni says it is the primary;
    `replica_port` a streaming replica (round robin), or the primary when no replica is up. A node that
    stops answering is marked down within a second and its connections are cut, so PgBouncer reconnects."""

    def servers(check_path: str) -> str:
        lines = [
            "    option httpchk",
            f"    http-check send meth GET uri {check_path}",
            "    http-check expect status 200",
            "    default-server inter 500ms fastinter 250ms fall 2 rise 1 on-marked-down shutdown-sessions",
        ]
        lines += [f"    server {n.name} 127.0.0.1:{n.pg_port} check port {n.rest_port}" for n in nodes]
        return "\n".join(lines)

    return f"""global
    maxconn 2000

defaults
    mode tcp
    timeout connect 2s
    timeout client 60m
    timeout server 60m
    timeout check 1s

backend primary
{servers("/primary")}

backend replicas
    balance roundrobin
{servers("/replica?lag=16MB")}

frontend primary_door
    bind 127.0.0.1:{primary_port}
    default_backend primary

frontend replica_door
    bind 127.0.0.1:{replica_port}
    use_backend replicas if {{ nbsrv(replicas) gt 0 }}
    default_backend primary
"""


def pgbouncer(*, listen_port: int, server_port: int, root: Path, name: str) -> str:
    """PgBouncer in transaction mode for every database name (`*`), in front of one of HAProxy's doors.
    When the server side fails, waiting clients get an error within seconds (`query_wait_timeout`), which
    the app answers with a 503, instead of queueing behind a dead primary for PgBouncer's default 2 min."""
    return f"""[databases]
* = host=127.0.0.1 port={server_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen_port}
unix_socket_dir = {root}
auth_type = trust
auth_file = {root / "pgbouncer-users.txt"}
admin_users = postgres
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 40
max_db_connections = 80
server_login_retry = 1
server_connect_timeout = 3
query_wait_timeout = 5
server_check_delay = 5
logfile = {root / "logs" / f"pgbouncer-{name}.log"}
pidfile = {root / f"pgbouncer-{name}.pid"}
"""
