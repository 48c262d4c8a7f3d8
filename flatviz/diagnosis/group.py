"""Notes and warnings made at one place, grouped: a copy in a loop over 12 blocks is one
note with a count, not twelve (swin_t would get 37 notes, maxvit_t 60)."""

from __future__ import annotations

from dataclasses import replace

from flatviz.diagnosis.finding import Finding


def group(findings: list[Finding]) -> list[Finding]:
    """One finding per kind, severity and place, in the order of the first of each: its
    message and numbers, with the count and the total bytes of the group added."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.kind, f.severity, f.where), []).append(f)
    return [_one(same) for same in groups.values()]


def _one(same: list[Finding]) -> Finding:
    """One finding for a group made at one place, counted."""
    first = same[0]
    if len(same) == 1:
        return first
    numbers = {**first.numbers, "calls": len(same)}
    extra = f"{len(same)} calls here"
    sizes = [f.numbers.get("bytes") for f in same]
    if all(isinstance(n, int) for n in sizes):
        total = sum(n for n in sizes if isinstance(n, int))
        numbers["total_bytes"] = total
        extra += f", {total} bytes in all"
    message = f"{first.message} ({extra}; the numbers above are the first call's.)"
    return replace(first, message=message, numbers=numbers)
