"""Load over real HTTP: gunicorn started against a database, client systems with real tokens, many
concurrent keep-alive clients, latency statistics, and the checks that no acknowledged write was lost.

Used by `manage.py benchmark_http`, `manage.py loadtest` and the load and fault tests. Loopback only.
"""
