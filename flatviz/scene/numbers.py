"""Numbers short enough for a cell: a huge address in scientific form."""

from __future__ import annotations

#: Longest number written out in full, in digits.
FULL_DIGITS = 6
_LIMIT = 10**FULL_DIGITS


def compact(n: int) -> str:
    """`n` written out when it has at most 6 digits, else as `1.23e12` (three significant
    digits, `≈` in front when rounded); the exact value belongs in the tooltip.

    Examples:
        >>> compact(999999), compact(1000000), compact(12345678), compact(999999000000)
        ('999999', '1e6', '≈1.23e7', '≈1e12')
    """
    if -_LIMIT < n < _LIMIT:
        return str(n)
    digits = str(abs(n))
    exponent = len(digits) - 1
    head = int(digits[:3]) + (digits[3] >= "5")
    if head == 1000:
        head, exponent = 100, exponent + 1
    mantissa = f"{head // 100}.{head % 100:02d}".rstrip("0").rstrip(".")
    rounded = head * 10 ** (exponent - 2) != abs(n)
    return f"{'≈' if rounded else ''}{'-' if n < 0 else ''}{mantissa}e{exponent}"
