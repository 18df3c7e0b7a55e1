"""Connecting an account from the app: the same PKCE log-in as ``spotify-transfer login``
(:func:`transfer.auth.log_in`), with its loopback listener on the registered redirect URI.

Spotify sends the browser back only to a redirect URI registered on the dashboard, exactly
(``http://127.0.0.1:8888/callback`` by default), not to the app's own random port. So a connect
runs the existing listener on that address for as long as it lasts, in a thread of its own; the
browser goes from the app to the listener's start address, on to Spotify, back to the listener,
which then sends it on to the app's connect page.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from transfer.auth import LoginDialog, TokenStore, log_in
from transfer.config import Settings
from transfer.errors import AccountMixup, TransferError
from transfer.models import Account

log = logging.getLogger(__name__)

START_WAIT_S = 10.0
ACCOUNT_WORDS = {"source": "old", "target": "new"}
LOGIN_TIMEOUT_S = 600.0


@dataclass
class ConnectJob:
    """One log-in of ``account`` going on (or ended) in a thread."""

    account: str
    settings: Settings
    done_url: str
    start_url: str | None = None
    user: Account | None = None
    error: TransferError | None = None
    finished: threading.Event = field(default_factory=threading.Event)
    _started: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True, name=f"connect-{self.account}").start()

    def wait_for_start(self) -> str | None:
        """The listener's start address, once it listens; None when the log-in failed first
        (``error`` says why)."""
        self._started.wait(START_WAIT_S)
        return self.start_url

    @property
    def going(self) -> bool:
        """Still waiting for the browser or Spotify (a log-in that has its answer, or its
        error, is not: its listener is closed already)."""
        return not self.finished.is_set() and self.error is None and self.user is None

    def _open_browser(self, url: str) -> bool:
        self.start_url = url
        self._started.set()
        return True

    def _run(self) -> None:
        dialog = LoginDialog(show=lambda text: log.info("%s", text),
                             read_redirect=lambda prompt: None,
                             open_browser=self._open_browser, timeout=LOGIN_TIMEOUT_S,
                             show_dialog=True, done_url=self.done_url)
        try:
            self.user = log_in(self.account, self.settings, TokenStore(self.settings.home),
                               dialog)
        except AccountMixup as error:
            error.advice = ("On Spotify's page, use \"Not you?\" (or log out of Spotify in "
                            f"this browser), then connect the {self.account} account again and "
                            f"sign in as the {ACCOUNT_WORDS[self.account]} user.")
            self.error = error
        except TransferError as error:
            self.error = error
        except Exception as error:  # shown on the page; the server goes on
            log.exception("The log-in of the %s account failed", self.account)
            self.error = TransferError(f"The log-in failed: {error}")
        finally:
            self._started.set()
            self.finished.set()
