"""Building HTML safely: every plain string is escaped, only :class:`Html` goes in as it is.

Names come from Spotify accounts and may hold anything (``<script>``, quotes, any script or
direction), so nothing is ever formatted into markup by hand: :func:`h` escapes text children
and attribute values, and links are made only to Spotify's web player or to a file beside the
report. Escaping also drops control characters and bidi overrides
(``transfer.render.safe``): an override would reverse the rest of a name even inside ``<bdi>``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from transfer.render.safe import safe_text

SPOTIFY_WEB = "https://open.spotify.com/"
_LOCAL_FILE = re.compile(r"^[\w.-]+\.(json|html)$")
VOID_ELEMENTS = frozenset({"br", "meta", "wbr", "hr", "img", "link"})


class Html(str):
    """Markup that is safe to insert as it is (made by :func:`h` or :func:`join`)."""

    __slots__ = ()


def h(name: str, *children: Html | str | int | None, **attributes: str | int | bool | None
      ) -> Html:
    """An element. ``class_`` is written ``class``, ``data_x`` ``data-x``; None and False
    attributes are left out, True ones written bare."""
    attrs = "".join(_attribute(key, value) for key, value in attributes.items())
    if name in VOID_ELEMENTS:
        if children:
            raise ValueError(f"<{name}> holds nothing")
        return Html(f"<{name}{attrs}>")
    inner = "".join(_child(child) for child in children)
    return Html(f"<{name}{attrs}>{inner}</{name}>")


def join(parts: Iterable[Html], separator: str = "") -> Html:
    """Markup pieces one after the other; ``separator`` is text (escaped)."""
    return Html(_child(separator).join(parts))


def link(url: str | None, *label: Html | str | int | None, **attributes: str | None) -> Html:
    """A link to Spotify's web player or to a report file beside this one; plain text when
    the address is anything else (or missing)."""
    if url is None or not (url.startswith(SPOTIFY_WEB) or _LOCAL_FILE.match(url)):
        return h("span", *label, **attributes)
    external = url.startswith(SPOTIFY_WEB)
    return h("a", *label, href=url, rel="noopener noreferrer" if external else None,
             target="_blank" if external else None, **attributes)


def name(text: str, url: str | None = None, fallback: str = "(no name)") -> Html:
    """A user-given name inside running text: isolated so a right-to-left name neither takes
    the sentence's direction nor is taken by it."""
    label = h("bdi", text, dir="auto") if text else h("span", fallback, class_="muted")
    return link(url, label) if url else label


def _attribute(key: str, value: str | int | bool | None) -> str:
    if value is None or value is False:
        return ""
    attribute = key.rstrip("_").replace("_", "-")
    if value is True:
        return f" {attribute}"
    return f' {attribute}="{html.escape(safe_text(str(value)), quote=True)}"'


def _child(child: Html | str | int | None) -> str:
    if child is None:
        return ""
    if isinstance(child, Html):
        return child
    return html.escape(safe_text(str(child)), quote=True)
