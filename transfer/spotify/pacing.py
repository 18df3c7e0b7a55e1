"""Keeping under Spotify's rate limit instead of running into it.

Spotify counts an app's requests over a rolling 30-second window and answers 429 beyond a limit
it does not publish; retrying while limited can make the wait grow. Sending several requests at
once makes reaching that limit easy, so every request first takes a slot from a ``Pacer``: at
most ``limit`` requests are sent in any ``window`` seconds (plus a small margin for the time a
request takes to arrive). One pacer serves both accounts of a run: the limit is the app's.
Cover uploads have a limit of their own, lower (``Pacing`` keeps both).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from urllib.parse import urlsplit

from transfer.config import Settings

logger = logging.getLogger(__name__)

WINDOW = 30.0
"""Spotify's rate-limit window, in seconds."""
MARGIN = 1.0
"""Seconds added to the window: a request is counted when it arrives, a little after it was
sent."""
SPOTIFY_REQUESTS_PER_WINDOW = 300
"""The default limit against Spotify's own API: about the 10 a second that client authors found
to pass without 429s (Spotify publishes no number)."""
SPOTIFY_UPLOADS_PER_WINDOW = 20
"""Cover uploads in any window, against Spotify's own API (its own limit; an estimate too)."""
SPOTIFY_API_HOST = "api.spotify.com"


class Pacer:
    """Spaces requests so that at most ``limit`` are sent in any ``window`` seconds.

    Thread-safe. Each caller reserves the earliest moment that keeps the limit, then sleeps
    until then; reservations are never revised, so an injected ``sleep`` that does not really
    wait (in tests) cannot make a caller wait twice.
    """

    def __init__(
        self,
        limit: int,
        window: float = WINDOW,
        margin: float = MARGIN,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError("a pacer allows at least one request per window")
        self.limit = limit
        self.span = window + margin
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        """The moments of the last ``limit`` requests (some may lie ahead: reserved)."""
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Wait for a slot for one request; the seconds waited."""
        with self._lock:
            now = self._clock()
            moment = now
            if len(self._sent) == self.limit:
                moment = max(now, self._sent.popleft() + self.span)
            self._sent.append(moment)
        delay = moment - now
        if delay > 0:
            logger.debug("Pacing: waiting %.2f s to send at most %d requests per %.0f s",
                         delay, self.limit, self.span)
            self._sleep(delay)
        return delay


class Pacing:
    """What a run's requests wait for: a slot among all requests, and for a cover upload first
    a slot among uploads."""

    def __init__(self, requests: Pacer, uploads: Pacer | None = None) -> None:
        self.requests = requests
        self.uploads = uploads

    def wait(self, upload: bool = False) -> float:
        """Wait for the slots of one request; the seconds waited."""
        waited = self.uploads.wait() if upload and self.uploads is not None else 0.0
        return waited + self.requests.wait()


def requests_per_window(settings: Settings) -> int:
    """``[network] requests_per_30s``, or when it is unset: Spotify's default against its own
    API, no limit (0) against any other address."""
    configured = settings.network.requests_per_30s
    if configured is not None:
        return configured
    spotify = urlsplit(settings.api_url).hostname == SPOTIFY_API_HOST
    return SPOTIFY_REQUESTS_PER_WINDOW if spotify else 0


def pacer_for(settings: Settings, sleep: Callable[[float], None] = time.sleep
              ) -> Pacing | None:
    """The pacing the settings ask for; None when there is no limit."""
    limit = requests_per_window(settings)
    if limit == 0:
        return None
    return Pacing(Pacer(limit, sleep=sleep),
                  Pacer(min(limit, SPOTIFY_UPLOADS_PER_WINDOW), sleep=sleep))
