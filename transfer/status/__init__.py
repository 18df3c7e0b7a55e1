"""``status``: where the last transfer, sync and undo of each source -> target pair stand, read
from the journals alone (no request to Spotify), as text or a versioned JSON document."""

from transfer.status.collect import StatusContext, StatusView, collect_status, resume_command
from transfer.status.document import (
    STATUS_DOCUMENT,
    STATUS_DOCUMENT_VERSION,
    StatusDocument,
    render_status_json,
    status_json_schema,
)
from transfer.status.render import render_status

__all__ = [
    "STATUS_DOCUMENT",
    "STATUS_DOCUMENT_VERSION",
    "StatusContext",
    "StatusDocument",
    "StatusView",
    "collect_status",
    "render_status",
    "render_status_json",
    "resume_command",
    "status_json_schema",
]
