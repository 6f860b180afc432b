"""Event-feed cursors: an event position, signed for one client system.

A cursor tells where a client has read up to. It is signed with a salt naming the client, so a cursor
given to one client is refused from another (and cannot be forged or edited).
"""

from django.core import signing

from maternity.errors import Invalid

from .models import SpineClient


def cursor_for(client: SpineClient, position: int) -> str:
    return _signer(client).sign(signing.b62_encode(position))


def position_from(client: SpineClient, cursor: str, *, field: str = "after") -> int:
    try:
        return signing.b62_decode(_signer(client).unsign(cursor))
    except (signing.BadSignature, ValueError):
        message = f"{field} is not a cursor this service gave to your client system."
        raise Invalid(message, field=field) from None


def _signer(client: SpineClient) -> signing.Signer:
    return signing.Signer(salt=f"spine.event-cursor.{client.client_id}", sep=".")
