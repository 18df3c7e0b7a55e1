"""What ``sync --mirror`` takes out of the target, and when it refuses to. Pure, no I/O.

Only what the journal says the tool itself added to the target (``MirrorInput.held``) is ever
removed: songs it saved, albums, shows, episodes and audiobooks, artists and playlists it
followed, and the copies it created (removing a copy is unfollowing it, Spotify's way of
deleting a playlist). What the target had before, or what its user added there, is never in
``held``. A category is looked at only when the source was read in full for it
(``MirrorInput.present``): an absence in a partial read proves nothing, nor does one from a
list that held an element Spotify sent unreadable (``diff`` then leaves that category out).

A mirror that would remove much is suspicious (a source emptied by mistake, an account swapped):
:func:`refusal` says why it should not run without ``--force``. Sizes are counted in items: a
library item is one, a copy's entries one each (and the copy itself one). The share allowed is
held to the whole of what the tool added and to each category on its own: 90% of the Liked
Songs going is suspicious even when they are 1% of the library. A category losing fewer than
``FEWEST_JUDGED`` items is judged only with the whole (one of two saved shows is half of them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict, Field

from transfer.models import Category, Kind, uri_of
from transfer.plan.actions import LIBRARY_BATCH, RemoveLibraryItems
from transfer.plan.links import PlaylistLink


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MirrorInput(_Frozen):
    """What a mirror plan needs besides the two libraries."""

    held: Mapping[Category, frozenset[str]] = Field(
        default_factory=dict,
        description="URIs the tool added to the target and did not remove since, per category "
                    "(playlists: those it followed and the copies it created)",
    )
    present: Mapping[Category, frozenset[str]] = Field(
        default_factory=dict,
        description="the source's URIs of each category read in full this time",
    )
    totals: Mapping[Category, int] = Field(
        default_factory=dict, description="how many items the source holds now, per category"
    )


FEWEST_JUDGED = 3
"""A category losing fewer items than this is not refused for its share alone."""


class Share(_Frozen):
    """What would be removed of what the tool holds, in items."""

    removing: int = 0
    held: int = 0

    @property
    def share(self) -> float:
        return self.removing / self.held if self.held else 0.0


class MirrorOutline(Share):
    """The size of a mirror's removals against what the tool holds in the target: in all
    (``removing``, ``held``) and per category (``categories``)."""

    removing: int = Field(0, description="items that would be removed (entries of copies "
                                         "included)")
    held: int = Field(0, description="items the tool added to the target and still holds")
    emptied: tuple[Category, ...] = Field(
        (), description="categories the source holds nothing of while the tool added some"
    )
    categories: Mapping[Category, Share] = Field(
        default_factory=dict, description="the same per category looked at (playlists: the "
                                          "copies with their entries, and those followed)"
    )


def plan_removals(
    options_categories: Iterable[Category],
    links: Mapping[str, PlaylistLink],
    mirror: MirrorInput,
    entries_removed: int = 0,
) -> tuple[tuple[RemoveLibraryItems, ...], MirrorOutline]:
    """The library removals (batches of 40, kinds mixed) and the outline of the whole mirror,
    ``entries_removed`` being what the plan takes out of copies' items."""
    categories = tuple(options_categories)
    uris: list[str] = []
    removing = dict.fromkeys(categories, 0)
    if Category.PLAYLISTS in removing:
        removing[Category.PLAYLISTS] = entries_removed
    for category in categories:
        if category not in mirror.present:
            continue
        if category is Category.PLAYLISTS:
            gone, units = _playlists_gone(links, mirror)
        else:
            gone = sorted(mirror.held.get(category, frozenset()) - mirror.present[category])
            units = len(gone)
        uris.extend(gone)
        removing[category] += units
    batches = tuple(
        RemoveLibraryItems(uris=tuple(uris[start : start + LIBRARY_BATCH]))
        for start in range(0, len(uris), LIBRARY_BATCH)
    )
    shares = {category: Share(removing=removing[category],
                              held=held_units((category,), links, mirror))
              for category in categories}
    outline = MirrorOutline(
        removing=sum(removing.values()) + (0 if Category.PLAYLISTS in removing
                                           else entries_removed),
        held=held_units(categories, links, mirror), emptied=_emptied(categories, mirror),
        categories=shares,
    )
    return batches, outline


def _playlists_gone(links: Mapping[str, PlaylistLink], mirror: MirrorInput
                    ) -> tuple[list[str], int]:
    """Copies whose source playlist is gone, and playlists the source no longer follows."""
    held = mirror.held.get(Category.PLAYLISTS, frozenset())
    present = mirror.present[Category.PLAYLISTS]
    copies = {copy_uri(link): link for link in links.values()}
    gone: list[str] = []
    units = 0
    for uri, link in sorted(copies.items()):
        if uri in held and uri_of(Kind.PLAYLIST, link.source_playlist_id) not in present:
            gone.append(uri)
            units += 1 + len(link.target_uris)
    followed = sorted(held - set(copies) - present)
    return gone + followed, units + len(followed)


def copy_uri(link: PlaylistLink) -> str:
    return uri_of(Kind.PLAYLIST, link.target_playlist_id)


def held_units(categories: Iterable[Category], links: Mapping[str, PlaylistLink],
               mirror: MirrorInput) -> int:
    chosen = tuple(categories)
    units = sum(len(mirror.held.get(category, frozenset())) for category in chosen)
    if Category.PLAYLISTS in chosen:
        held = mirror.held.get(Category.PLAYLISTS, frozenset())
        units += sum(len(link.target_uris) for link in links.values() if copy_uri(link) in held)
    return units


def _emptied(categories: Iterable[Category], mirror: MirrorInput) -> tuple[Category, ...]:
    return tuple(
        category for category in categories
        if mirror.totals.get(category) == 0 and mirror.held.get(category)
    )


def refusal(outline: MirrorOutline, max_share: float) -> str | None:
    """Why a mirror should not run without ``--force``; None when it may."""
    if outline.removing == 0:
        return None
    if outline.emptied:
        names = ", ".join(category.value.replace("_", " ") for category in outline.emptied)
        return (f"the source looks emptied ({names}: nothing left of what was copied); "
                f"{outline.removing} items would be removed from the target")
    for category, share in outline.categories.items():
        if share.removing >= FEWEST_JUDGED and share.share > max_share:
            return (f"{share.removing:,} of the {share.held:,} "
                    f"{_category_words(category)} this tool added to the target would be "
                    f"removed ({share.share:.0%}, more than the {max_share:.0%} allowed by "
                    f"sync.max_removal_share in any one category)")
    if outline.share > max_share:
        return (f"{outline.removing:,} of the {outline.held:,} items this tool "
                f"added to the target would be removed ({outline.share:.0%}, more than the "
                f"{max_share:.0%} allowed by sync.max_removal_share)")
    return None


def _category_words(category: Category) -> str:
    if category is Category.PLAYLISTS:
        return "playlists and copied playlist items"
    return category.value.replace("_", " ")
