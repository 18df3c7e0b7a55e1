"""Libraries read from files, for when the old account cannot be used (``--from-file``).

``read_source(path)`` takes, recognised by content rather than by name:

- Spotify's "Download your data" package, zipped or unpacked (:mod:`.download`);
- CSV exports of playlists, Exportify's and alike: one file, a folder or a zip (:mod:`.exportify`);
- a text file of open.spotify.com links or ``spotify:`` URIs (:mod:`.links`);
- the tool's own snapshot (``export``).

Whatever the format, the result is the snapshot model (``transfer.models.Library``), so planning
and applying are the same as for a live account, plus what could not be used (``file:line``
problems) and the entries named without a Spotify id (which ``--match`` may look up). A file's
account is not known: it is given a stable id of its own (:mod:`transfer.sources.build`).
No request is made here.
"""

from transfer.sources.model import Problem, SourceFile, Unidentified
from transfer.sources.reading import read_source

__all__ = ["Problem", "SourceFile", "Unidentified", "read_source"]
