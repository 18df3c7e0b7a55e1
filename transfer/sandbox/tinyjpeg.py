"""A minimal baseline JPEG encoder for images made of flat 8x8 blocks.

The sandbox needs real, decodable cover images (custom playlist covers in seeds) without an
imaging dependency. An image whose every 8x8 block is one flat colour has no AC coefficients,
so encoding it needs only the DC difference of each block and an end-of-block code: a few
dozen lines instead of a full DCT encoder. The output is an ordinary baseline (SOF0) JFIF file
with 4:4:4 YCbCr that any decoder reads.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

RGB = tuple[int, int, int]

BLOCK = 8
# Every coefficient is quantised by 8, so a flat block's DC (8 x level-shifted value) is exact.
_QUANT = 8
# The standard luminance DC table of ITU T.81 Annex K.3: code lengths 1..16 and symbols 0..11.
_DC_BITS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
_DC_SYMBOLS = tuple(range(12))
# An AC table holding one symbol, end-of-block (0x00), with the one-bit code "0".
_AC_BITS = (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
_AC_SYMBOLS = (0x00,)


def encode_blocks(colours: Sequence[Sequence[RGB]]) -> bytes:
    """A baseline JPEG whose block (row, column) is the flat colour ``colours[row][column]``.

    The image is ``8 * columns`` pixels wide and ``8 * rows`` high.
    """
    rows, columns = len(colours), len(colours[0]) if colours else 0
    if rows == 0 or columns == 0 or any(len(row) != columns for row in colours):
        raise ValueError("colours must be a non-empty rectangle")
    return b"".join(
        (
            b"\xff\xd8",
            _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            _segment(0xDB, bytes([0]) + bytes([_QUANT] * 64)),
            _frame_header(columns * BLOCK, rows * BLOCK),
            _segment(0xC4, bytes([0x00, *_DC_BITS, *_DC_SYMBOLS])),
            _segment(0xC4, bytes([0x10, *_AC_BITS, *_AC_SYMBOLS])),
            _segment(0xDA, bytes([3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0])),
            _scan([colour for row in colours for colour in row]),
            b"\xff\xd9",
        )
    )


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _frame_header(width: int, height: int) -> bytes:
    components = b"".join(bytes([component_id, 0x11, 0]) for component_id in (1, 2, 3))
    return _segment(0xC0, struct.pack(">BHHB", 8, height, width, 3) + components)


def _ycbcr(colour: RGB) -> tuple[int, int, int]:
    red, green, blue = colour
    luma = 0.299 * red + 0.587 * green + 0.114 * blue
    blue_diff = 128 - 0.168736 * red - 0.331264 * green + 0.5 * blue
    red_diff = 128 + 0.5 * red - 0.418688 * green - 0.081312 * blue
    return tuple(min(255, max(0, round(value))) for value in (luma, blue_diff, red_diff))  # type: ignore[return-value]


def _huffman_codes(bits: Sequence[int], symbols: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Canonical Huffman codes (ITU T.81 Annex C): symbol -> (code, length)."""
    codes: dict[int, tuple[int, int]] = {}
    code, index = 0, 0
    for length, count in enumerate(bits, start=1):
        for _ in range(count):
            codes[symbols[index]] = (code, length)
            code += 1
            index += 1
        code <<= 1
    return codes


_DC_CODES = _huffman_codes(_DC_BITS, _DC_SYMBOLS)
_EOB_CODE = _huffman_codes(_AC_BITS, _AC_SYMBOLS)[0x00]


class _BitWriter:
    def __init__(self) -> None:
        self._out = bytearray()
        self._accumulator = 0
        self._count = 0

    def write(self, value: int, length: int) -> None:
        self._accumulator = (self._accumulator << length) | (value & ((1 << length) - 1))
        self._count += length
        while self._count >= 8:
            self._count -= 8
            byte = (self._accumulator >> self._count) & 0xFF
            self._out.append(byte)
            if byte == 0xFF:
                self._out.append(0x00)  # byte stuffing
        self._accumulator &= (1 << self._count) - 1

    def finish(self) -> bytes:
        if self._count:
            self.write((1 << (8 - self._count)) - 1, 8 - self._count)  # pad with one-bits
        return bytes(self._out)


def _scan(block_colours: Sequence[RGB]) -> bytes:
    writer = _BitWriter()
    previous = [0, 0, 0]
    for colour in block_colours:
        for component, level in enumerate(_ycbcr(colour)):
            dc = level - 128  # a flat block's DC is 8 x (level - 128), quantised by 8
            difference = dc - previous[component]
            previous[component] = dc
            category = abs(difference).bit_length()
            writer.write(*_DC_CODES[category])
            if category:
                extra = difference if difference > 0 else difference + (1 << category) - 1
                writer.write(extra, category)
            writer.write(*_EOB_CODE)
    return writer.finish()
