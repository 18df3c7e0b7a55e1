"""The error a sandbox handler raises to answer with Spotify's error body."""

from __future__ import annotations


class ApiError(Exception):
    """Answer ``status`` with ``{"error": {"status", "message"[, "reason"]}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        reason: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason
        self.headers = headers or {}

    def body(self) -> dict[str, object]:
        error: dict[str, object] = {"status": self.status, "message": self.message}
        if self.reason is not None:
            error["reason"] = self.reason
        return {"error": error}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def forbidden(message: str = "Forbidden") -> ApiError:
    return ApiError(403, message)


def not_found(message: str = "Resource not found") -> ApiError:
    return ApiError(404, message)
