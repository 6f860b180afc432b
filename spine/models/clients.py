"""Client systems: installed systems of a Care Location that connect over REST."""

from django.conf import settings
from django.db import models

from maternity.actors import Actor
from maternity.models import CareLocation, UserType
from maternity.rules.resources import RESOURCE_TYPES


class SpineClient(models.Model):
    """One installed client system: its own OAuth2 client ID and (hashed) secret, tied to one Care
    Location. Requests are made as `service_user`, a member of that location's group."""

    name = models.CharField(max_length=200)
    care_location = models.ForeignKey(CareLocation, on_delete=models.PROTECT, related_name="spine_clients")
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.PROTECT, related_name="spine_client"
    )
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="spine_client"
    )
    record_filter = models.JSONField(
        default=list,
        blank=True,
        help_text="Resource types this client may read and write (wire names). Empty: all.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["care_location__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.care_location.name})"

    @property
    def client_id(self) -> str:
        return self.application.client_id

    @property
    def deactivated(self) -> bool:
        """It, its Care Location or its service user is inactive: it gets no token, and its tokens are
        refused."""
        return not (self.active and self.care_location.active and self.service_user.is_active)

    def actor(self, **details) -> Actor:
        """The client acting on its own (no human behind the request), e.g. when its webhooks are sent."""
        return Actor(
            user_type=UserType.HEALTH_CARE_PROFESSIONAL,
            user=self.service_user,
            care_location=self.care_location,
            name=self.name,
            client_id=self.client_id,
            **details,
        )

    def resource_types(self) -> list[str]:
        """The resource types it may read and write: its record filter, or every type when empty."""
        return list(self.record_filter) or list(RESOURCE_TYPES)
