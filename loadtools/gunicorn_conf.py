"""Gunicorn hooks for `server.GunicornServer`: each worker, once it has loaded the application, leaves a
file named after its pid in GUNICORN_STATE_DIR, and the master writes the port it listens on there. So the
starter knows when every worker can serve, and which worker replaced a dead one."""

import os
from pathlib import Path

STATE_DIR = Path(os.environ["GUNICORN_STATE_DIR"])


def when_ready(server):
    if not server.LISTENERS:  # --reuse-port: the workers bind the port the starter chose
        return
    host, port = server.LISTENERS[0].sock.getsockname()[:2]
    (STATE_DIR / "port.tmp").write_text(str(port))
    (STATE_DIR / "port.tmp").rename(STATE_DIR / "port")


def post_worker_init(worker):
    (STATE_DIR / f"worker-{worker.pid}").touch()
