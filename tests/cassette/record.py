"""Re-record every cassette: ``python -m tests.cassette.record [pytest options]``.

Against the sandbox (the default): starts one per test on the cassette port (43017, or the
port of ``SPOTIFY_CASSETTE_API_URL``) and rewrites ``cassettes/``. Against the real Spotify:
see ``tests/cassette/README.md``.
"""

from __future__ import annotations

import sys

import pytest

from tests.cassette.conftest import CASSETTES


def main(arguments: list[str]) -> int:
    print(f"Recording cassettes into {CASSETTES}", file=sys.stderr)
    return int(pytest.main(["tests/cassette", "--record-mode=rewrite", "-q", *arguments]))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
