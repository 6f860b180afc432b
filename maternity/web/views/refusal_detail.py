"""What the audit trail says about a refusal. The audit trail stays in English whatever the page's language
(the services' messages follow the page's), so a view that notes a refusal in the audit entry notes its
kind and the field it is about, in words of its own, rather than the message she reads."""

from ...errors import RecordError


def refused_detail(error: RecordError) -> str:
    """E.g. "Refused: Invalid (recordStatus.deliveryDate)" or "Refused: NotAllowed (read-only)"."""
    about = error.field or getattr(error, "rule", "")
    return f"Refused: {type(error).__name__}" + (f" ({about})" if about else "")
