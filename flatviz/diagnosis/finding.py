"""What the doctor reports: one `Finding` per thing found, each fix made of `Edit`s."""

from __future__ import annotations

from dataclasses import dataclass, field

#: A span of source: first line, first column, last line, end column (lines from 1,
#: columns in UTF-8 bytes from 0, as Python's code positions count them).
Span = tuple[int, int, int, int]


@dataclass(frozen=True)
class Edit:
    """One change to the model's source; a fix is one or more of them.

    Attributes:
        where: The layer's qualified name or the source line, as findings name places.
        text: The change in one sentence, with its numbers; what `--diff` lists when the
            edit cannot be placed in a file.
        old: The code as written (`x.view(-1, 400)`, `nn.Linear(400, 120)`); empty when
            it was not found in a file.
        new: The code to write in its place (`x.flatten(1)`); empty when unknown.
        path: The file `old` is in, or None when the edit cannot be placed.
        span: Where `old` is in `path` (see `Span`), or None.
    """

    where: str
    text: str
    old: str = ""
    new: str = ""
    path: str | None = None
    span: Span | None = None

    @property
    def placed(self) -> bool:
        """True when the edit is a replacement at a known place of a file."""
        return self.path is not None and self.span is not None and bool(self.new)


@dataclass(frozen=True)
class Finding:
    """One thing the doctor found.

    Attributes:
        kind: e.g. `batch-mixing`, `in-features`, `copy`.
        severity: `"error"`, `"warning"` or `"note"`.
        where: The module's qualified name, or `Owner.function (file.py:line)`.
        message: What is wrong, with the numbers (and the error torch raises, quoted).
        fix: What to write instead, with the numbers, in the terms of the user's code.
        numbers: The finding's numbers by name (`in_features`, `arrives`, `features`,
            `batch`, `rows`, `bytes`...), as ints or tuples of ints.
        edits: The changes to the source that make the fix (see `Edit`).
        step: 0 for what the model as given does; n for an error that shows once the
            fixes found in the n runs before it are made (the doctor reruns the model
            with them, on meta, until it runs).
    """

    kind: str
    severity: str
    where: str
    message: str
    fix: str
    seq: int = field(default=-1, repr=False, compare=False)
    numbers: dict[str, int | tuple[int, ...]] = field(default_factory=dict, compare=False)
    edits: tuple[Edit, ...] = field(default=(), compare=False)
    step: int = field(default=0, compare=False)
