"""Refusals worded when they are read, in the language of whoever reads them.

One refusal of the rules reaches a page (in her language), the APIs (in English: the middleware activates
it for their paths) and the audit trail (in English, always). So a rule does not make text when it refuses:
it gives `gettext_lazy("...")`, or `worded(gettext_lazy("... %(name)s ..."), name=value)` when the message
has values, and each becomes text where it is read. A value may itself be lazy (another refusal's message),
worded in the same language. `in_english` is the audit trail's copy.
"""

from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise, lazy
from django.utils.translation import override


def _worded(message: str | Promise, values: dict[str, Any]) -> str:
    return str(message) % values if values else str(message)


_lazy_worded = lazy(_worded, str)


def worded(message: str | Promise, /, **values: Any) -> str:
    """`message % values`, translated and filled in each time it is read (a lazy str)."""
    return _lazy_worded(message, values)


def _joined(separator: str, parts: tuple[Any, ...]) -> str:
    return separator.join(str(part) for part in parts)


_lazy_joined = lazy(_joined, str)


def joined(separator: str, *parts: Any) -> str:
    """`separator.join(parts)` of lazy parts, joined when read."""
    return _lazy_joined(separator, parts)


shown_date = lazy(lambda day: date_format(day, "DATE_FORMAT"), str)  # "4 Dec 2026", nb "4. des. 2026"


def in_english(text: Any) -> Any:
    """A lazy message as English text (for the audit trail); anything else as it is."""
    if isinstance(text, Promise):
        with override("en"):
            return str(text)
    return text
