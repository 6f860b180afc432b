"""The admin index's count of open access reviews (templates/admin/index.html): what a Care Location admin
sees first when she signs in to the admin. One query, for her locations' queues (all, for a superuser)."""

from django import template

from maternity.admin.scope import administered_location_ids
from maternity.services.reviews import open_reviews_count

register = template.Library()


@register.simple_tag(takes_context=True)
def open_reviews(context) -> int | None:
    """None for someone with no queue (nothing is shown then)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not (user.is_active and user.is_staff):
        return None
    if user.is_superuser:
        return open_reviews_count(None)
    locations = administered_location_ids(request)
    return open_reviews_count(locations) if locations else None
