"""Planning one saved collection (Liked Songs, albums, artists, shows, episodes, audiobooks).

Spotify lists saved collections newest first, and a save puts an item on top: so the plan saves
oldest first and the target shows the same order. Followed artists are listed in the order they
were followed and a follow goes last, so they are followed in the order listed. Items the
target already has are counted, not saved again, and keep their place.
"""

from __future__ import annotations

from dataclasses import dataclass

from transfer.models import Category, Kind, Library, SavedItem, kind_of
from transfer.plan.actions import DatedTrack, Skip, SkippedItem, SkipReason, category_of
from transfer.plan.model import CategoryOutline
from transfer.plan.options import PlanOptions

UNDATED_NOTE = (
    "Some Liked Songs have no date in the source: all are saved oldest first without dates."
)


@dataclass(frozen=True)
class SavedPlan:
    """What to save of one collection: plain URIs or dated tracks, both oldest first."""

    outline: CategoryOutline
    plain_uris: tuple[str, ...] = ()
    dated: tuple[DatedTrack, ...] = ()
    skips: tuple[Skip, ...] = ()
    notes: tuple[str, ...] = ()


def plan_saved(
    category: Category, source: Library, target: Library, options: PlanOptions
) -> SavedPlan:
    items = _unique(getattr(source, category.value))
    if not options.wants(category):
        return _turned_off(category, items)
    present = {item.uri for item in getattr(target, category.value)}
    new: list[SavedItem] = []
    skips: list[Skip] = []
    for item in items:
        if item.uri in present:
            continue
        reason = _problem(item)
        if reason is None:
            new.append(item)
        else:
            skips.append(Skip(item=_skipped_item(category, item), reason=reason))
    if category is not Category.ARTISTS:
        new.reverse()
    outline = CategoryOutline(
        category=category,
        in_source=len(items),
        new=len(new),
        already_there=len(items) - len(new) - len(skips),
        skipped=len(skips),
    )
    return _saving(category, new, options, outline, tuple(skips))


def _saving(
    category: Category,
    new: list[SavedItem],
    options: PlanOptions,
    outline: CategoryOutline,
    skips: tuple[Skip, ...],
) -> SavedPlan:
    dating = category is Category.LIKED_SONGS and options.preserve_liked_dates
    if dating and options.extended_quota:
        if all(item.added_at is not None for item in new):
            dated = tuple(DatedTrack(uri=item.uri, added_at=item.added_at) for item in new
                          if item.added_at is not None)
            return SavedPlan(outline=outline, dated=dated, skips=skips)
        plain = tuple(item.uri for item in new)
        return SavedPlan(outline=outline, plain_uris=plain, skips=skips, notes=(UNDATED_NOTE,))
    return SavedPlan(outline=outline, plain_uris=tuple(item.uri for item in new), skips=skips)


def _turned_off(category: Category, items: list[SavedItem]) -> SavedPlan:
    outline = CategoryOutline(category=category, in_source=len(items), skipped=len(items))
    if not items:
        return SavedPlan(outline=outline)
    skip = Skip(
        item=SkippedItem(category=category, name=category.value, count=len(items)),
        reason=SkipReason.CATEGORY_OFF,
    )
    return SavedPlan(outline=outline, skips=(skip,))


def unsavable(category: Category, items: tuple[SavedItem, ...]) -> tuple[Skip, ...]:
    """A skip for each item of a collection that cannot be saved (a local file, a kind of item
    Spotify cannot save), in the collection's order."""
    skips = []
    for item in items:
        reason = _problem(item)
        if reason is not None:
            skips.append(Skip(item=_skipped_item(category, item), reason=reason))
    return tuple(skips)


def _problem(item: SavedItem) -> SkipReason | None:
    try:
        if kind_of(item.uri) is Kind.LOCAL:
            return SkipReason.LOCAL_FILE
        category_of(item.uri)
    except ValueError:
        return SkipReason.UNSUPPORTED
    return None


def _skipped_item(category: Category, item: SavedItem) -> SkippedItem:
    return SkippedItem(category=category, name=item.name, uri=item.uri, artists=item.artists)


def _unique(items: tuple[SavedItem, ...]) -> list[SavedItem]:
    seen: set[str] = set()
    unique = []
    for item in items:
        if item.uri not in seen:
            seen.add(item.uri)
            unique.append(item)
    return unique
