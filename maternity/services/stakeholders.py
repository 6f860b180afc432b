from django.contrib.auth.models import Permission
from django.db import transaction

from ..access import ACCESS_CODENAME
from ..models import CareLocation, Pregnancy, PregnancyGroupPermission


def _access_permission() -> Permission:
    return Permission.objects.get(codename=ACCESS_CODENAME, content_type__app_label="maternity")


@transaction.atomic
def stakeholder_grant(
    *, record: Pregnancy, care_location: CareLocation, reason: str, detail: str = ""
) -> bool:
    """Make a Care Location a stakeholder of the record. Returns True when the grant is new."""
    _, created = PregnancyGroupPermission.objects.get_or_create(
        content_object=record,
        group_id=care_location.group_id,
        permission=_access_permission(),
        defaults={"reason": reason, "detail": detail},
    )
    return created
