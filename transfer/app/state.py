"""What one launch of the app holds: where its settings come from, the log-ins and the job
going on, the chosen selection and uploaded source file. Nothing of it is a second copy of the
journal: the pair's runs, selection and status are read from there."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from transfer.app.connect import ConnectJob
from transfer.app.jobs import Job
from transfer.app.security import Secrets
from transfer.auth import ACCOUNTS, StoredLogin, TokenStore
from transfer.config import Settings
from transfer.environment import Environment
from transfer.plan.selection import Selection


@dataclass
class Demo:
    """Set when the app runs against the built-in sandbox (``demo --app``)."""

    source_user: str
    target_user: str


@dataclass
class AppState:
    launch: Secrets
    load_settings: Callable[[], Settings]
    """The settings as they are now (the setup page changes the file)."""
    settings_file: Path
    """Where the setup page saves the client id."""
    config_path: Path | None = None
    demo: Demo | None = None
    connects: dict[str, ConnectJob] = field(default_factory=dict)
    job: Job | None = None
    chosen: Selection | None = None
    """A selection chosen on the choose page that no run keeps yet (the pair has no run, or a
    stopped run is resumed first): given to the engine of the next run, as the CLI's flags."""
    source_file: Path | None = None
    """An uploaded file read as the source instead of the old account (``--from-file``)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def settings(self) -> Settings:
        return self.load_settings()

    def environment(self) -> Environment:
        """A fresh environment for one request or job, with the settings as they are now."""
        import io

        return Environment(config_path=self.config_path, stdout=io.StringIO(),
                           stderr=io.StringIO(), stdin=io.StringIO(),
                           _settings=self.settings())

    def logins(self) -> dict[str, StoredLogin | None]:
        """Who each account is logged in as (from the token store: no request)."""
        store = TokenStore(self.settings().home)
        return {account: store.load(account) for account in ACCOUNTS}

    def uploads_folder(self) -> Path:
        return self.settings().home / "uploads"

    def start_job(self, job: Job, work: Callable[[Job], None]) -> Job | None:
        """Start ``job`` unless one is going on (then None)."""
        with self.lock:
            if self.job is not None and not self.job.ended:
                return None
            self.job = job
        job.start(work)
        return job
