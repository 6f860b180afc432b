"""Refusals worded when they are read, in the language of whoever reads them.

One refusal of the rules reaches a page (in her language), the APIs (in English: the middleware activates
it for their paths) and the audit trail (in English, always). So a rule does not make text when it refuses:
it gives `gettext_lazy("...")`, or `worded(gettext_lazy("... %(name)s ..."), name=value)` when the message
has values, and each becomes text where it is read. A value may itself be lazy (another refusal's message),
worded in the same language. `in_english` is the audit trail's copy.
"""

from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise, lazy
from django.utils.translation import override

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    Text = str | _StrPromise  # a str, or a lazy one (gettext_lazy)
else:
    Text = str


def _worded(message: Text, values: dict[str, Any]) -> str:
    return str(message) % values if values else str(message)


_lazy_worded = lazy(_worded, str)


def worded(message: Text, /, **values: Any) -> str:
    """`message % values`, translated and filled in each time it is read (a lazy str)."""
    return _lazy_worded(message, values)


def in_english(text: Any) -> Any:
    """A lazy message as English text (for the audit trail); anything else as it is."""
    if isinstance(text, Promise):
        with override("en"):
            return str(text)
    return text
