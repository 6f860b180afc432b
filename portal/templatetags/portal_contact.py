"""`{% her_contact as contact %}`: who to contact for the page being shown (portal/contact.py)."""

from django import template

from ..contact import Contact, contact_for

register = template.Library()


@register.simple_tag(takes_context=True)
def her_contact(context) -> Contact | None:
    request = context.get("request")
    return contact_for(request) if request is not None else None
