"""The benchmarks and load tools, kept apart from the product: `manage.py benchmark`, `benchmark_api` and
`benchmark_webhooks` (in-process), `benchmark_http` and `loadtest` (over real HTTP).

Load over real HTTP: gunicorn started against a database, client systems with real tokens, many
concurrent keep-alive clients, latency statistics, and the checks that no acknowledged write was lost.
Used by `manage.py benchmark_http`, `manage.py loadtest` and the load and fault tests. Loopback only.
"""
