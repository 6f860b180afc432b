"""The version of the data set this code implements, and how versions are written and ordered.

`DATA_SET_VERSION` is the one number: the data dictionary shows it and the OpenAPI schema names it
(config/settings.py). It moves when the code's resources or fields change; the national administration
then releases that version (dataset/services), which dates it and puts its proposals in the changelog.
Imports nothing of Django's models: the settings read it.
"""

import re

DATA_SET_VERSION = "1.5.0"

VERSION_PATTERN = r"^(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})$"
_VERSION = re.compile(VERSION_PATTERN)


def is_version(text: str) -> bool:
    """Whether `text` is a version as the data set writes them: MAJOR.MINOR.PATCH, e.g. "1.5.0"."""
    return bool(_VERSION.match(text))


def version_key(text: str) -> tuple[int, int, int]:
    """A version's place in order ("1.10.0" after "1.9.0"). `text` must be a version (`is_version`)."""
    match = _VERSION.match(text)
    if match is None:
        raise ValueError(f"Not a data-set version: {text!r}")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch
