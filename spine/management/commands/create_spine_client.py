from django.core.management.base import BaseCommand, CommandError

from maternity.errors import Invalid
from maternity.models import CareLocation
from spine.services import spine_client_create


class Command(BaseCommand):
    help = "Register a client system for a Care Location and print its client ID and secret (shown once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--care-location", required=True, metavar="ORGNR", help="The Care Location's org number."
        )
        parser.add_argument("--name", required=True, help="The client system's name, e.g. 'St Olav EPJ'.")
        parser.add_argument(
            "--record-filter", default="", help="Comma-separated resource types it may use (default: all)."
        )

    def handle(self, *args, care_location, name, record_filter, **options):
        try:
            location = CareLocation.objects.get(org_nr=care_location)
        except CareLocation.DoesNotExist:
            raise CommandError(f"No Care Location with org number {care_location}.") from None
        types = [t.strip() for t in record_filter.split(",") if t.strip()]
        try:
            new = spine_client_create(care_location=location, name=name, record_filter=types)
        except Invalid as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Client system '{name}' for {location.name} ({location.org_nr})")
        self.stdout.write(f"client_id:     {new.client_id}")
        self.stdout.write(f"client_secret: {new.client_secret}")
        self.stdout.write("The secret is stored hashed and cannot be shown again.")
