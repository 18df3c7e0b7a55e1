"""Keep spotipy's log lines from showing tokens or errors the adapter handles itself.

spotipy logs request headers (``Authorization: Bearer ...``) and token request bodies (refresh
tokens, codes, verifiers) at DEBUG, and every HTTP error at ERROR, including the 429s and 5xx
the adapter retries. Its DEBUG lines and handled-error lines are dropped; anything else it logs
has token-like values masked.
"""

from __future__ import annotations

import logging
import re

SPOTIPY_LOGGERS = ("spotipy", "spotipy.client", "spotipy.oauth2", "spotipy.cache_handler",
                   "spotipy.util")
HANDLED_PREFIXES = ("HTTP Error for", "Max Retries")

_SECRET = re.compile(
    r"(?i)(bearer\s+|basic\s+|(?:access_token|refresh_token|code_verifier|code)['\"]?\s*[:=]\s*['\"]?)"
    r"[^\s'\",&}]+"
)


def mask_secrets(text: str) -> str:
    """``text`` with bearer tokens, refresh tokens, codes and verifiers replaced by ``***``."""
    return _SECRET.sub(lambda match: match.group(1) + "***", text)


class SpotipyLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno <= logging.DEBUG:
            return False
        message = record.getMessage()
        if message.startswith(HANDLED_PREFIXES):
            return False
        record.msg = mask_secrets(message)
        record.args = None
        return True


def install_spotipy_log_filter() -> None:
    """Attach the filter to spotipy's loggers (once)."""
    for name in SPOTIPY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, SpotipyLogFilter) for existing in logger.filters):
            logger.addFilter(SpotipyLogFilter())
