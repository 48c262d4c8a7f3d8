"""Where in the user's source a call was made: the function, the file, and the span of
the call expression (from the frame's current instruction), so that a fix can be written
into that very expression."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from types import CodeType, FrameType

import torch

from flatviz.diagnosis.finding import Span

#: Frames from files under these directories belong to torch or to the doctor, not the user.
INTERNAL = (
    os.path.join(os.path.dirname(torch.__file__), ""),
    os.path.join(os.path.dirname(__file__), ""),
)
#: torch's own layers: a call their code makes belongs to the layer, not to a user's line.
MODULES = os.path.join(os.path.dirname(torch.__file__), "nn", "modules", "")
#: The file of `nn.Module.__call__`, whose frames stand between a layer and its caller.
_MODULE_CALL = os.path.join(MODULES, "module.py")

_positions: dict[CodeType, list[Span | None]] = {}


@dataclass(frozen=True)
class Site:
    """A call in the user's source.

    Attributes:
        function: The function's qualified name, with its module's class when the
            function is a plain one (`Net.forward`).
        path: The source file, as the code object names it.
        line: The line the call is on.
        span: The call expression's span, or None where Python does not record it.
    """

    function: str
    path: str
    line: int
    span: Span | None

    def __str__(self) -> str:
        return f"{self.function} ({os.path.basename(self.path)}:{self.line})"


def _span(frame: FrameType) -> Span | None:
    """The span of the expression the frame is running (its current call)."""
    code = frame.f_code
    table = _positions.get(code)
    if table is None:
        table = [
            None if None in p else (p[0], p[2], p[1], p[3])
            for p in getattr(code, "co_positions", lambda: iter(()))()
        ]
        _positions[code] = table
    index = frame.f_lasti // 2
    return table[index] if index < len(table) else None


def site_of(frame: FrameType, owner: type | None) -> Site:
    """The site of the call `frame` is making; `owner` names a plain function's class."""
    code = frame.f_code
    function = getattr(code, "co_qualname", code.co_name)
    if owner is not None and "." not in function:
        function = f"{owner.__name__}.{function}"
    return Site(function, code.co_filename, frame.f_lineno, _span(frame))


def user_frame(depth: int) -> FrameType | None:
    """The innermost frame outside torch and flatviz, `depth` frames above the caller."""
    frame: FrameType | None = sys._getframe(depth + 1)
    while frame is not None and frame.f_code.co_filename.startswith(INTERNAL):
        frame = frame.f_back
    return frame


def layer_caller(depth: int) -> Site | None:
    """The user's call of a layer (`self.fc(x)` in a forward), seen from a forward hook
    `depth` frames down; None when torch's own code (a Sequential) called the layer."""
    frame: FrameType | None = sys._getframe(depth + 1)
    while frame is not None and frame.f_code.co_filename == _MODULE_CALL:
        frame = frame.f_back
    if frame is None or frame.f_code.co_filename.startswith(INTERNAL):
        return None
    owner = frame.f_locals.get("self")
    return site_of(frame, type(owner) if owner is not None else None)
