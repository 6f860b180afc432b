"""Who is acting: the one value every service takes to know who makes a change and on whose behalf."""

import uuid
from dataclasses import dataclass, field

from django.contrib.auth.models import User

from .models import CareLocation, UserType


@dataclass(frozen=True)
class Actor:
    """A professional acting for a Care Location (in a browser or through a client system), the pregnant
    person herself, or the system. For client-system requests `user` is the client's service user and
    `name`/`hpr_nr` describe the human behind the request (X-Acting-User-*)."""

    user_type: str
    user: User | None = None
    care_location: CareLocation | None = None
    name: str = ""
    hpr_nr: str = ""
    hpr_role: str = ""
    source_system: str = ""
    client_id: str = ""  # the SpineClient's OAuth client id, when a client system acts
    client_event_id: str = ""  # nhn-event-id, echoed into events and the audit trail
    # a client system's record filter for restricted entries: the categories it may see (none by default;
    # maternity/reads/restrictions.py). Unused for a person, who sees by her Care Location.
    restricted_categories: tuple[str, ...] = ()
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def is_professional(self) -> bool:
        return self.user_type == UserType.HEALTH_CARE_PROFESSIONAL

    @property
    def care_location_id_or_none(self) -> int | None:
        return self.care_location.pk if self.care_location else None

    def stamp(self) -> dict:
        """The `updated_by_*` columns for a new version."""
        location = self.care_location if self.user_type != UserType.PATIENT else None
        return {
            "updated_by_user_type": self.user_type,
            "updated_by_org_nr": location.org_nr if location else "",
            "updated_by_org_name": location.name if location else "",
            "updated_by_hpr_nr": self.hpr_nr,
            "updated_by_hpr_role": self.hpr_role,
            "updated_by_name": self.name,
            "updated_by_source_system": self.source_system,
            "updated_by_user": self.user,
        }
