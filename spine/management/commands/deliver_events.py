"""Deliver webhook events until stopped. Run as many as you like, on as many machines: each subscription
is worked by one worker at a time. SIGTERM (or Ctrl-C) finishes the batch in flight, then exits."""

import logging
import os
import signal
import socket

from django.core.management.base import BaseCommand

from spine.webhooks.worker import Worker


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--poll-interval", type=float, default=1.0, help="Seconds between checks when idle (default 1)."
        )
        parser.add_argument(
            "--exit-when-idle",
            type=float,
            default=None,
            metavar="SECONDS",
            help="Stop after this long with nothing to send (for scripts and tests).",
        )

    def handle(self, *args, poll_interval, exit_when_idle, **options):
        logging.getLogger("spine.webhooks").setLevel(logging.INFO)
        name = f"deliver_events[{socket.gethostname()}:{os.getpid()}]"
        worker = Worker(name=name, poll_interval=poll_interval)

        def stop(signum, frame):
            logging.getLogger("spine.webhooks").info(
                "%s: %s received, finishing the batch in flight", worker.name, signal.Signals(signum).name
            )
            worker.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker.run(max_idle=exit_when_idle)
