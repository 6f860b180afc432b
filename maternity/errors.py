"""Domain errors. Each carries the NHN error code; the API layer maps codes to HTTP statuses.

The message is usually lazy (`gettext_lazy`, `maternity.rules.wording.worded`): worded when it is read, in
the reader's language (a page's, the APIs' English, the audit trail's English). Code that needs a real str
(`str.join`, pydantic) calls str() on it.
"""

from typing import cast

from maternity.rules.wording import Text


class RecordError(Exception):
    code = "DHG-0001"

    def __init__(self, message: Text, *, field: str | None = None):
        super().__init__(message)
        self.message = cast(str, message)  # lazy, but read as a str wherever it is read
        self.field = field


class NotFound(RecordError):
    """The record does not exist or the caller may not know it does (never a 403 for that)."""

    code = "DHG-0015"


class ResourceNotFound(RecordError):
    code = "DHG-0007"


class VersionConflict(RecordError):
    code = "DHG-0008"


class AlreadyExists(RecordError):
    code = "DHG-0009"


class NotAllowed(RecordError):
    """`rule` names the rule that refused (e.g. "read-only"), for pages that explain each in their words."""

    code = "DHG-0010"

    def __init__(self, message: Text, *, field: str | None = None, rule: str = ""):
        super().__init__(message, field=field)
        self.rule = rule


class Invalid(RecordError):
    code = "DHG-0012"


class InvalidNationalId(RecordError):
    code = "DHG-0013"


class UnknownCode(RecordError):
    code = "DHG-0016"


class EnteredInError(RecordError):
    code = "DHG-0017"
