#!/usr/bin/env bash
# benchmark_http three ways, alternating, in one run (docs/performance.md §9):
#   A: the machine's PostgreSQL, directly (prepared statements on);
#   B: the cluster of `make cluster` through PgBouncer in transaction mode (synchronous replication);
#   C: B with the lag-tolerant reads on the replica door (DATABASE_REPLICA_URL, pins in Redis).
# Needs `make cluster` running in CLUSTER_DIR, migrated through its direct URL:
#   DJANGO_DEBUG=1 DATABASE_URL=<DATABASE_DIRECT_URL> .venv/bin/python manage.py migrate
# and a migrated database at A_URL, and collectstatic done (gunicorn runs with DEBUG off).
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTER_DIR="${CLUSTER_DIR:-/tmp/maternity-cluster}"
A_URL="${A_URL:-postgres://postgres@127.0.0.1:5432/maternity_bench_a}"
ROUNDS="${ROUNDS:-2}"
export DJANGO_DEBUG=1
eval "$(.venv/bin/python -m dbcluster status --dir "$CLUSTER_DIR" | grep '^  export' | sed 's/^  //')"
B_URL=$DATABASE_URL R_URL=$DATABASE_REPLICA_URL D_URL=$DATABASE_DIRECT_URL
unset DATABASE_URL DATABASE_REPLICA_URL DATABASE_DIRECT_URL DATABASE_POOL_MODE

run() {
  .venv/bin/python manage.py benchmark_http --duration 8 --warmup 2 --memory-requests 200 2>&1 \
    | sed -n '/^CPU time per request/,/^$/p'
}
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round A: the machine's PostgreSQL, directly"
  DATABASE_URL=$A_URL run
  echo "== round $round B: the cluster through PgBouncer"
  DATABASE_URL=$B_URL DATABASE_POOL_MODE=transaction DATABASE_DIRECT_URL=$D_URL run
  echo "== round $round C: the cluster through PgBouncer, reads on the replica"
  DATABASE_URL=$B_URL DATABASE_POOL_MODE=transaction DATABASE_DIRECT_URL=$D_URL DATABASE_REPLICA_URL=$R_URL \
    REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/3}" run
done
