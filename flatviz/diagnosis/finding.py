"""What the doctor reports: one `Finding` per thing found, with its fix."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    """One thing the doctor found.

    Attributes:
        kind: e.g. `batch-mixing`, `in-features`, `copy`.
        severity: `"error"`, `"warning"` or `"note"`.
        where: The module's qualified name, or `Owner.function (file.py:line)`.
        message: What is wrong, with the numbers (and the error torch raises, quoted).
        fix: What to write instead, with the numbers.
    """

    kind: str
    severity: str
    where: str
    message: str
    fix: str
    seq: int = field(default=-1, repr=False, compare=False)
