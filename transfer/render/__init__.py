"""Rendering a plan: text for people, and the versioned ``plan --json`` document."""

from transfer.render.document import (
    PLAN_DOCUMENT,
    PLAN_DOCUMENT_VERSION,
    PlanDocument,
    plan_document,
    plan_json_schema,
    render_plan_json,
)
from transfer.render.text import render_plan

__all__ = [
    "PLAN_DOCUMENT",
    "PLAN_DOCUMENT_VERSION",
    "PlanDocument",
    "plan_document",
    "plan_json_schema",
    "render_plan",
    "render_plan_json",
]
