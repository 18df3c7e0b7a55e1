"""The block JPEG encoder writes files a real decoder reads back with the colours given."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from transfer.sandbox.covers import cover_jpeg
from transfer.sandbox.tinyjpeg import encode_blocks


def _decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_flat_blocks_decode_to_their_colours() -> None:
    colours = [[(255, 0, 0), (0, 255, 0), (0, 0, 255)], [(0, 0, 0), (255, 255, 255), (90, 60, 30)]]
    image = _decode(encode_blocks(colours))
    assert image.format == "JPEG" and image.size == (24, 16)
    for row, line in enumerate(colours):
        for column, expected in enumerate(line):
            actual = image.getpixel((column * 8 + 4, row * 8 + 4))
            assert isinstance(actual, tuple)
            assert all(abs(a - e) <= 3 for a, e in zip(actual, expected, strict=True))


def test_a_byte_that_needs_stuffing_still_decodes() -> None:
    # Alternating black and white blocks make an 0xFF byte in the scan, which must be stuffed.
    colours = [[(0, 0, 0) if (r + c) % 2 else (255, 255, 255) for c in range(16)]
               for r in range(16)]
    data = encode_blocks(colours)
    scan = data[data.index(b"\xff\xda") :]
    assert b"\xff\x00" in scan
    image = _decode(data)
    assert image.getpixel((4, 4)) == (255, 255, 255)
    assert image.getpixel((12, 4)) == (0, 0, 0)


def test_ragged_or_empty_input_is_refused() -> None:
    with pytest.raises(ValueError, match="rectangle"):
        encode_blocks([[(0, 0, 0)], []])
    with pytest.raises(ValueError, match="rectangle"):
        encode_blocks([])


def test_covers_differ_by_variant_and_are_small() -> None:
    covers = {cover_jpeg(variant) for variant in range(10)}
    assert len(covers) == 10
    assert all(len(cover) < 4096 for cover in covers)
