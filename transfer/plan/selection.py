"""What moves, chosen by a person for one pair of accounts, and kept with that pair.

A :class:`Selection` is what ``--only``, ``--playlist`` and ``--exclude-playlist`` say (or what
the local web app lets a person pick): the categories to move, the playlists to move, the
playlists to leave out. Each part left ``None`` is decided by the ``[transfer]`` settings.

Precedence, part by part: a selection given now (flags) > the selection kept for the pair >
the settings file. A selection given now replaces the kept one as a whole; an empty one
(``--all``, ``--only all``) clears it, so the settings decide everything again.

Where it is kept: with the runs of the pair's journal, as the fact ``"selection"`` of every
transfer or sync run (:class:`transfer.engine.Engine` records the one it planned with). The
kept selection is that of the latest run that recorded one, so a later ``sync`` (or
``transfer`` without flags) follows the choice of the last run.

The API (pure, but for ``load_selection`` and ``save_selection``, which read and write the
pair's journal)::

    Selection(categories=(Category.LIKED_SONGS,), playlists=("Road*",))   # built directly, or
    given = selection_from_flags(only="likes", playlists=["Road*"])      # from flag values
    selection = given if given is not None else load_selection(journal)
    options = selection.plan_options(plan_options(settings))  # -> PlanOptions for diff/Engine
    Engine(..., options=options, selection=selection)          # its runs keep the selection
    save_selection(journal, selection)        # keep it now (False: the pair has no run yet)
    left_out(plan)                            # what a plan's options leave out (LeftOut)

``transfer.commands.pair.make_engine(env, pair, journal, selection)`` does the middle three
for the CLI (``plan_options`` is there too).

Playlists are named as :mod:`transfer.plan.options` says: a name glob, an id, a
``spotify:playlist:<id>`` URI or an ``open.spotify.com/playlist/<id>`` link (kept as the URI).
Bad input raises :class:`SelectionError` (a ``ConfigError``: exit code 2) saying what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from transfer.errors import ConfigError
from transfer.models import Category
from transfer.plan.actions import SkipReason
from transfer.plan.model import Plan
from transfer.plan.options import PlanOptions, playlist_matches, referenced_id

if TYPE_CHECKING:
    from transfer.journal import Journal

SELECTION_FACT = "selection"
ALL = "all"
RUNS_LOOKED_AT = 50
"""Runs looked back at for the kept selection (every transfer and sync records it)."""

CATEGORY_WORDS: dict[str, Category] = {
    **{category.value: category for category in Category},
    "likes": Category.LIKED_SONGS,
    "liked": Category.LIKED_SONGS,
    "liked-songs": Category.LIKED_SONGS,
}
"""The names ``--only`` accepts (case-insensitive), besides ``all``."""

VALID_ONLY = "playlists, likes (or liked_songs), albums, artists, shows, episodes, audiobooks, all"


class SelectionError(ConfigError, ValueError):
    """A selection that cannot be used (exit code 2); the message says what to do."""


class Selection(BaseModel):
    """What to move: ``None`` in a part leaves it to the settings; all ``None`` is no choice."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    categories: tuple[Category, ...] | None = Field(
        None, description="the categories to move; null: as the settings say")
    playlists: tuple[str, ...] | None = Field(
        None, description="only these playlists (name globs, ids, spotify:playlist: URIs); "
                          "null: as the settings say (include_playlists)")
    excluded: tuple[str, ...] | None = Field(
        None, description="playlists left out (same forms); null: as the settings say "
                          "(exclude_playlists)")

    @field_validator("categories")
    @classmethod
    def _in_category_order(cls, categories: tuple[Category, ...] | None
                           ) -> tuple[Category, ...] | None:
        if categories is None:
            return None
        chosen = set(categories)
        return tuple(category for category in Category if category in chosen)

    @field_validator("playlists", "excluded")
    @classmethod
    def _playlist_patterns(cls, patterns: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if patterns is None:
            return None
        return tuple(dict.fromkeys(playlist_pattern(pattern) for pattern in patterns))

    @property
    def is_empty(self) -> bool:
        """True when nothing is chosen: the settings decide everything."""
        return self.categories is None and self.playlists is None and self.excluded is None

    def plan_options(self, base: PlanOptions) -> PlanOptions:
        """``base`` (the settings as options) with the parts this selection chooses replaced."""
        chosen: dict[str, Any] = {}
        if self.categories is not None:
            chosen["categories"] = self.categories
        if self.playlists is not None:
            chosen["include_playlists"] = self.playlists
        if self.excluded is not None:
            chosen["exclude_playlists"] = self.excluded
        return PlanOptions.model_validate({**base.model_dump(), **chosen})

    def fact(self) -> dict[str, Any]:
        """The selection as the journal keeps it."""
        return self.model_dump(mode="json")


def parse_only(text: str) -> tuple[Category, ...] | None:
    """The categories of an ``--only`` list (``likes,albums``); None for ``all``."""
    words = [word.strip().casefold() for word in text.split(",") if word.strip()]
    if not words:
        raise SelectionError(f"--only needs one or more of: {VALID_ONLY}.")
    unknown = [word for word in words if word != ALL and word not in CATEGORY_WORDS]
    if unknown:
        raise SelectionError(f"--only: unknown {', '.join(repr(w) for w in unknown)}; "
                             f"choose from {VALID_ONLY}.")
    if ALL in words:
        if len(set(words)) > 1:
            raise SelectionError("--only all leaves the categories to the settings; give it "
                                 "without other names.")
        return None
    return tuple(CATEGORY_WORDS[word] for word in words)


def playlist_pattern(text: str) -> str:
    """A playlist as ``--playlist`` names it, kept in one form: a URI or link becomes
    ``spotify:playlist:<id>``; a name glob or an id stays as it is."""
    pattern = text.strip()
    if not pattern:
        raise SelectionError("--playlist and --exclude-playlist need a name, an id or a link.")
    reference = referenced_id(pattern)
    return f"spotify:playlist:{reference}" if reference is not None else pattern


def selection_from_flags(
    only: str | None = None,
    playlists: Sequence[str] = (),
    excluded: Sequence[str] = (),
    everything: bool = False,
) -> Selection | None:
    """The selection the command-line flags make; None when none was given (the kept one
    then applies). ``everything`` (``--all``) gives the empty selection, which clears it.

    ``--playlist`` with an ``--only`` that lacks ``playlists`` adds it: ``--only likes
    --playlist 'Road*'`` moves the Liked Songs and the playlists named Road-something."""
    if everything:
        if only is not None or playlists or excluded:
            raise SelectionError("--all clears the selection; give it without --only, "
                                 "--playlist or --exclude-playlist.")
        return Selection()
    if only is None and not playlists and not excluded:
        return None
    categories = parse_only(only) if only is not None else None
    if categories is not None and playlists and Category.PLAYLISTS not in categories:
        categories = (*categories, Category.PLAYLISTS)
    try:
        return Selection(categories=categories, playlists=tuple(playlists) or None,
                         excluded=tuple(excluded) or None)
    except ValidationError as error:
        raise _selection_error(error) from None


def _selection_error(error: ValidationError) -> SelectionError:
    first = error.errors()[0]
    cause = first.get("ctx", {}).get("error")
    return cause if isinstance(cause, SelectionError) else SelectionError(first["msg"])


# --- kept with the pair -----------------------------------------------------------------------


def load_selection(journal: Journal) -> Selection:
    """The selection kept for the pair: that of the latest run that recorded one; the empty
    selection when none did. A kept selection this version cannot read raises
    :class:`SelectionError`."""
    for run in journal.runs(limit=RUNS_LOOKED_AT):
        facts = journal.facts(run.id)
        if SELECTION_FACT in facts:
            return _kept(facts[SELECTION_FACT])
    return Selection()


def save_selection(journal: Journal, selection: Selection) -> bool:
    """Keep ``selection`` for the pair (the empty one clears it), with the latest run: the
    next transfer or sync without flags follows it. False when the pair has no run yet: then
    give the selection to the engine that begins the first run (``Engine.selection``). A run
    begun meanwhile by another process keeps its own selection and so wins: check
    ``journal.in_progress_elsewhere()`` first."""
    runs = journal.runs(limit=1)
    if not runs:
        return False
    journal.set_fact(runs[0].id, SELECTION_FACT, selection.fact())
    journal.keep_latest_fact(SELECTION_FACT, 1)
    return True


def _kept(value: object) -> Selection:
    try:
        return Selection.model_validate(value or {})
    except (ValidationError, SelectionError):
        raise SelectionError(
            "The selection kept for these accounts cannot be read; give it again with --only, "
            "--playlist or --exclude-playlist, or clear it with --all."
        ) from None


# --- what a plan leaves out -------------------------------------------------------------------


class LeftOutPlaylist(BaseModel):
    """A source playlist the selection leaves out, and by what."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source_id: str
    name: str
    reason: SkipReason = Field(description="excluded, not_included or category_off")
    by: str = Field("", description="the pattern that excluded it, or the patterns it matches "
                                    "none of")


class LeftOut(BaseModel):
    """What the plan's options leave out of the source (not what cannot move)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    categories: tuple[Category, ...] = Field(
        (), description="categories not chosen (whatever the source holds of them)")
    playlists: tuple[LeftOutPlaylist, ...] = Field(
        (), description="playlists left out by category, exclusion or not being chosen")
    unmatched: tuple[str, ...] = Field(
        (), description="playlist patterns chosen (--playlist, include_playlists) that match no "
                        "playlist of the source: a typo, or a playlist that is gone (not "
                        "checked in a sync, which may not read the whole playlist list)")

    @property
    def is_empty(self) -> bool:
        return not self.categories and not self.playlists and not self.unmatched


_LEFT_OUT_BY = (SkipReason.EXCLUDED, SkipReason.NOT_INCLUDED, SkipReason.CATEGORY_OFF)


def left_out(plan: Plan) -> LeftOut:
    """What ``plan``'s options leave out: the categories not chosen, in source order the
    playlists excluded or not chosen, and the chosen playlist patterns that match nothing."""
    options = plan.options
    categories = tuple(category for category in Category if not options.wants(category))
    unmatched: tuple[str, ...] = ()
    if options.wants(Category.PLAYLISTS) and not options.syncing:
        unmatched = tuple(
            pattern for pattern in options.include_playlists
            if not any(playlist_matches(pattern, outline.name, outline.source_id)
                       for outline in plan.playlists))
    playlists = tuple(
        LeftOutPlaylist(source_id=outline.source_id, name=outline.name,
                        reason=outline.skip_reason, by=outline.skip_detail)
        for outline in plan.playlists
        if outline.skip_reason in _LEFT_OUT_BY and outline.skip_reason is not None
    )
    return LeftOut(categories=categories, playlists=playlists, unmatched=unmatched)


def described(selection: Selection) -> Iterable[str]:
    """The selection in a few words per part, for ``status`` and ``plan``."""
    if selection.is_empty:
        yield "none: everything the settings choose"
        return
    if selection.categories is not None:
        yield "only " + ", ".join(category.value for category in selection.categories)
    if selection.playlists is not None:
        yield "playlists " + ", ".join(selection.playlists)
    if selection.excluded is not None:
        yield "excluding " + ", ".join(selection.excluded)
