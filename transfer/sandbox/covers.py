"""Small, real JPEG cover images for seeds: a 64x64 grid of flat-coloured 8x8 blocks."""

from __future__ import annotations

import base64
import functools
import random

from transfer.sandbox.tinyjpeg import RGB, encode_blocks

_GRID = 8  # blocks per side: 64 x 64 pixels


@functools.cache
def cover_jpeg(variant: int) -> bytes:
    """A decodable baseline JPEG (about 1 KB), different for each ``variant``."""
    rng = random.Random(f"cover/{variant}")
    palette: list[RGB] = [
        (rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(3)
    ]
    pattern = variant % 3
    rows = []
    for row in range(_GRID):
        colours = []
        for column in range(_GRID):
            if pattern == 0:  # diagonal stripes
                index = (row + column) // 3 % len(palette)
            elif pattern == 1:  # concentric squares
                index = min(row, column, _GRID - 1 - row, _GRID - 1 - column) % len(palette)
            else:  # checks
                index = (row // 2 + column // 2) % 2
            colours.append(palette[index])
        rows.append(colours)
    return encode_blocks(rows)


def cover_base64(variant: int) -> str:
    return base64.b64encode(cover_jpeg(variant)).decode("ascii")
