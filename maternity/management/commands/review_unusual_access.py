"""Find unusual access in the audit trail and put each finding in the accessor's Care Location's review
queue (maternity/services/reviews.py says what is unusual).

    manage.py review_unusual_access [--hours 24]

Looks at the finds of the last `--hours` hours plus REVIEW_FIND_WITHOUT_CARE_HOURS: a find with no care
following it is judged once its window has closed (so each run judges the finds whose window closed in the
last `--hours` hours), and the days of many finds are counted from the start of their local day.

Run it hourly from a scheduler (cron, a systemd timer, a Kubernetes CronJob): the default 24 hours overlaps
the earlier runs, which costs little (index-backed reads of a few days of finds) and catches up after a
missed run; nothing is written twice.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from maternity.services.reviews import unusual_access_find


class Command(BaseCommand):
    help = "Put unusual access (finds without care, many finds in a day) in the review queues."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=int, default=24, help="How far back to look (default 24; overlaps are harmless)."
        )

    def handle(self, *args, hours, **options):
        if hours < 1:
            raise CommandError("--hours must be at least 1.")
        now = timezone.now()
        window = timedelta(hours=settings.REVIEW_FIND_WITHOUT_CARE_HOURS)
        since = now - timedelta(hours=hours) - window
        added = unusual_access_find(since=since, until=now)
        self.stdout.write(f"{added} new item(s) in the review queues.")
