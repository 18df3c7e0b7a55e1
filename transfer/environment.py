"""What a command runs in: settings (loaded on first use), streams, terminal flags.

Tests build one directly to run commands in-process with progress bars off.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO


@dataclass
class Environment:
    config_path: Path | None = None
    traceback: bool = False
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)

    @property
    def interactive(self) -> bool:
        """Progress bars and prompts only when a person is watching."""
        return self.stderr.isatty()
