"""`python -m dbcluster start|stop|status [--dir DIR]`: `make cluster` and `make cluster-stop`."""

import argparse
import json
import sys
from pathlib import Path

from .cluster import Cluster, ClusterError

DEFAULT_DIR = Path("/tmp/maternity-cluster")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dbcluster", description=__doc__)
    parser.add_argument("command", choices=["start", "stop", "status"])
    parser.add_argument(
        "--dir", type=Path, default=DEFAULT_DIR, help=f"where it lives (default {DEFAULT_DIR})"
    )
    args = parser.parse_args(argv)
    running = (args.dir / "cluster.json").exists()

    if args.command == "start":
        if running:
            print(f"A cluster is already in {args.dir}: `make cluster-stop` first.", file=sys.stderr)
            return 1
        cluster = Cluster.create(args.dir)
        try:
            cluster.start()
        except ClusterError as error:
            print(f"The cluster did not start: {error}", file=sys.stderr)
            return 1
        _print_status(cluster)
        print("\nEnd it with: make cluster-stop")
        return 0

    if not running:
        print(f"No cluster in {args.dir}.", file=sys.stderr)
        return 0 if args.command == "stop" else 1
    cluster = Cluster.load(args.dir)
    if args.command == "stop":
        cluster.stop()
        print(f"Stopped, and {args.dir} removed.")
    else:
        _print_status(cluster)
    return 0


def _print_status(cluster: Cluster) -> None:
    print(f"Cluster in {cluster.root} (logs in {cluster.root / 'logs'}):")
    for member in cluster.members():
        print(
            f"  {member['name']:<4} {member['role']:<13} {member.get('state', '?'):<10} port {member['port']}"
        )
    print("\nApp settings (through PgBouncer; migrations and LISTEN go direct):")
    for name, value in cluster.urls().items():
        print(f"  export {name}={value}")
    print(f"\n  etcd:  http://127.0.0.1:{cluster.ports.etcd}")
    print("  Patroni REST: " + ", ".join(n.rest_url for n in cluster.nodes))
    print("  " + json.dumps({"migrate": "DATABASE_URL=$DATABASE_DIRECT_URL python manage.py migrate"}))


if __name__ == "__main__":
    sys.exit(main())
