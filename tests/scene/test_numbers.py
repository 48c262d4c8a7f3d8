"""Huge numbers in cells: written out up to 6 digits, else in at most 9 characters."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from flatviz.scene import compact


def value_of(text: str) -> Decimal:
    """What a compact label says, read back as an exact number."""
    return Decimal(text.removeprefix("\u2248"))


def test_six_digits_are_written_out() -> None:
    assert [compact(n) for n in (0, 7, 999_999, -999_999)] == ["0", "7", "999999", "-999999"]


def test_longer_numbers_are_scientific_and_marked_when_rounded() -> None:
    assert compact(1_000_000) == "1e6"
    assert compact(12_300_000) == "1.23e7"
    assert compact(12_345_678) == "\u22481.23e7"
    assert compact(999_999_000_000) == "\u22481e12"  # 9.99999 rounds up to 10
    assert compact(10**18) == "1e18"
    assert compact(-2_500_000) == "-2.5e6"


@settings(max_examples=300)
@given(st.one_of(st.integers(-(10**30), 10**30), st.integers(1, 9).map(lambda d: d * 10**20)))
def test_compact_is_short_and_close(n: int) -> None:
    text = compact(n)
    assert len(text) <= 9
    if abs(n) < 10**6:
        assert text == str(n)
    else:
        assert abs(value_of(text) - n) <= 0.005 * abs(n)
        assert text.startswith("\u2248") == (value_of(text) != n)
