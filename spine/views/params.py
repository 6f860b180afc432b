"""Query parameters shared by the paginated endpoints."""

from maternity.errors import Invalid


def int_param(request, name: str, default: int, low: int, high: int) -> int:
    """A whole-number query parameter within [low, high] (absent: the default), else a clear 400 naming it.
    Sent empty (`?limit=`) is not absent: it is refused like any other value that is not a number."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(f"{name} must be a whole number.", field=name) from None
    if not low <= value <= high:
        raise Invalid(f"{name} must be between {low} and {high}.", field=name)
    return value
