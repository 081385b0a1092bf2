"""Properties of the cache's entry format: whole entries read back, damaged ones never do."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from prong.cache import _decode, _header


@given(st.binary(max_size=400))
def test_roundtrip(data: bytes) -> None:
    assert _decode(_header(data) + data) == data


@given(st.binary(min_size=1, max_size=400), st.data())
def test_truncation_is_detected(data: bytes, draw: st.DataObject) -> None:
    blob = _header(data) + data
    cut = draw.draw(st.integers(0, len(blob) - 1))
    assert _decode(blob[:cut]) is None


@given(st.binary(min_size=1, max_size=400), st.data())
def test_a_flipped_bit_is_detected(data: bytes, draw: st.DataObject) -> None:
    blob = bytearray(_header(data) + data)
    i = draw.draw(st.integers(0, len(blob) - 1))
    bit = draw.draw(st.integers(0, 7))
    blob[i] ^= 1 << bit
    result = _decode(bytes(blob))
    if i >= len(blob) - len(data):
        assert result is None  # damage to the payload is always caught (CRC-32)
    else:
        assert result is None or result == data  # a header still meaning the same (hex case) is harmless


@given(st.binary(max_size=200), st.binary(min_size=1, max_size=50))
def test_appended_bytes_are_detected(data: bytes, extra: bytes) -> None:
    assert _decode(_header(data) + data + extra) is None
