"""What a command runs in: settings (loaded on first use), streams, terminal flags, and the
Spotify adapter of each account (made on first use).

Tests build one directly to run commands in-process with progress bars off. Heavy modules
(spotipy, pydantic-settings) are imported on first use so that `--help` stays quick.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from transfer.auth import AccountTokens, TokenStore
    from transfer.config import Settings
    from transfer.progress import TqdmProgress
    from transfer.spotify import SpotifyAdapter
    from transfer.spotify.pacing import Pacing


@dataclass
class Environment:
    config_path: Path | None = None
    traceback: bool = False
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    sleep: Callable[[float], None] = time.sleep
    """How the adapters wait between retries (tests pass a recorder)."""
    _settings: Settings | None = field(default=None, repr=False)
    _tokens: dict[str, AccountTokens] = field(default_factory=dict, repr=False)
    _adapters: dict[str, SpotifyAdapter] = field(default_factory=dict, repr=False)
    _pacer: Pacing | None = field(default=None, repr=False)

    @property
    def interactive(self) -> bool:
        """Progress bars and prompts only when a person is watching."""
        return self.stderr.isatty()

    @property
    def settings(self) -> Settings:
        """The settings, read from the file and the environment on first use."""
        if self._settings is None:
            from transfer.config import load_settings
            from transfer.private import check_state_folder

            settings = load_settings(self.config_path)
            check_state_folder(settings.home)
            self._settings = settings
        return self._settings

    def token_store(self) -> TokenStore:
        from transfer.auth import TokenStore

        return TokenStore(self.settings.home)

    def tokens(self, account: str) -> AccountTokens:
        """The token source of ``source`` or ``target``."""
        if account not in self._tokens:
            from transfer.auth import AccountTokens

            self._tokens[account] = AccountTokens(account, self.settings, self.token_store())
        return self._tokens[account]

    def adapter(self, account: str) -> SpotifyAdapter:
        """The Spotify adapter of ``source`` or ``target`` (one per account and run). Both
        share one pacer: Spotify's rate limit counts the app's requests, whichever account."""
        if account not in self._adapters:
            from transfer.spotify import SpotifyAdapter
            from transfer.spotify.pacing import pacer_for

            if self._pacer is None:
                self._pacer = pacer_for(self.settings, self.sleep)
            self._adapters[account] = SpotifyAdapter.connect(
                self.settings, self.tokens(account), sleep=self.sleep, pacer=self._pacer
            )
        return self._adapters[account]

    def progress(self) -> TqdmProgress:
        """Progress bars on stderr, drawn only when it is a terminal."""
        from transfer.progress import TqdmProgress

        return TqdmProgress(self.stderr, enabled=self.interactive)
