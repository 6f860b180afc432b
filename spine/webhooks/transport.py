"""Posting one message to a receiver: the address re-checked, no redirects followed, bounded time and
bounded reading of the answer. Any 2xx is success; everything else is a failure with a short reason."""

import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings

from .messages import Message
from .targets import TargetRefused, address_check

MAX_ANSWER_BYTES = 2048
_local = threading.local()


@dataclass(frozen=True)
class PostResult:
    ok: bool
    error: str = ""


def post(url: str, message: Message) -> PostResult:
    parts = urlsplit(url)
    try:
        address_check(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
    except TargetRefused as refused:
        return PostResult(False, f"Not sent: {refused}")
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    try:
        with _session().post(
            url,
            data=message.body.encode(),
            headers=message.headers,
            timeout=(min(timeout, 5), timeout),
            allow_redirects=False,
            stream=True,
        ) as response:
            if 200 <= response.status_code < 300:
                return PostResult(True)
            answer = next(response.iter_content(MAX_ANSWER_BYTES), b"").decode("utf-8", "replace")
            return PostResult(False, f"HTTP {response.status_code}: {' '.join(answer.split())[:300]}".strip())
    except requests.Timeout:
        return PostResult(False, f"No answer within {timeout:g} s.")
    except requests.ConnectionError as error:
        return PostResult(False, f"Could not connect: {_reason(error)}")
    except requests.RequestException as error:
        return PostResult(False, f"Request failed: {_reason(error)}")


def _session() -> requests.Session:
    """One session per thread, so a worker keeps its connections to receivers open between batches."""
    if not hasattr(_local, "session"):
        _local.session = requests.Session()  # HTTPS_PROXY etc. apply, for deployments that need them
    return _local.session


def _reason(error: Exception) -> str:
    text = str(error)
    for marker in ("Connection refused", "Name or service not known", "certificate verify failed"):
        if marker in text:
            return marker
    return text[:300]
