"""Client systems: installed systems of a Care Location that connect over REST."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

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
        help_text=gettext_lazy("Resource types this client may read and write (wire names). Empty: all."),
    )
    restricted_categories = models.JSONField(
        gettext_lazy("restricted categories"),
        default=list,
        blank=True,
        help_text=gettext_lazy(
            "Categories of restricted entries of its own Care Location this client may read and write. "
            "Empty: none."
        ),
    )
    # Its id at a trusted OpenID Connect issuer (HelseID), when it also calls with that issuer's signed
    # tokens (spine/trusted_tokens.py): the issuer's `iss` and the token's client id. Blank: none.
    token_issuer = models.CharField(
        gettext_lazy("token issuer"),
        max_length=500,
        blank=True,
        help_text=gettext_lazy(
            "A trusted issuer whose signed access tokens this client also uses (e.g. HelseID's)."
        ),
    )
    token_client_id = models.CharField(
        gettext_lazy("client ID at the issuer"),
        max_length=200,
        blank=True,
        help_text=gettext_lazy("The client_id in that issuer's tokens for this system."),
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["care_location__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["token_issuer", "token_client_id"],
                condition=~models.Q(token_client_id=""),
                name="spineclient_one_per_issuer_client_id",
            )
        ]

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
        """The client acting on its own (no human behind the request, e.g. when its webhooks are sent), or
        for the person `details` names."""
        return Actor(
            **{
                "user_type": UserType.HEALTH_CARE_PROFESSIONAL,
                "user": self.service_user,
                "care_location": self.care_location,
                "name": self.name,
                "client_id": self.client_id,
                "restricted_categories": tuple(self.restricted_categories),
                **details,
            }
        )

    def resource_types(self) -> list[str]:
        """The resource types it may read and write: its record filter, or every type when empty."""
        return list(self.record_filter) or list(RESOURCE_TYPES)
