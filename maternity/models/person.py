"""The pregnant person's identity. Demographics live in the record's versioned `mother` resource."""

from django.conf import settings
from django.db import models


class Person(models.Model):
    identifier_system = models.CharField(max_length=100)
    identifier_value = models.CharField(max_length=40)
    date_of_birth = models.DateField(null=True, blank=True)
    has_given_consent = models.BooleanField(default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text="The portal account of the pregnant person, once she has signed in.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["identifier_system", "identifier_value"], name="person_identifier_unique"
            )
        ]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.identifier_value
