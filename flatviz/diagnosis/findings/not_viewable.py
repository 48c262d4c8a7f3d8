"""`not-viewable`: `.view` on a layout that has no view; the fix is `reshape` (a copy) or
`contiguous().view`. A warning when the strides come from an op whose output layout on
meta differs from the real devices' (`scaled_dot_product_attention`)."""

from __future__ import annotations

import torch

from flatviz.core.layout import Layout
from flatviz.core.rule import blocking_pair, blocking_sentence
from flatviz.core.text import tuple_text
from flatviz.diagnosis.describe import named
from flatviz.diagnosis.findings.context import Context
from flatviz.diagnosis.findings.shapes import merged_groups, resolve, shape_args
from flatviz.diagnosis.fixes import at_call
from flatviz.diagnosis.rules import as_reshape
from flatviz.diagnosis.source import code_at, renamed
from flatviz.diagnosis.trace import Call

#: Ops whose output strides on CPU or CUDA follow their input's, but are contiguous on meta.
DEVICE_LAYOUT = frozenset({"scaled_dot_product_attention"})
#: Ops that pass strides through: the walk back to a device-layout op goes through them.
_VIEWS = frozenset({"transpose", "permute", "t", "view", "unflatten", "narrow", "select"})


def check_call(ctx: Context, call: Call) -> None:
    """Flag a `.view` that raised although its shape fits: its input has no such view."""
    if call.name != "view" or call.error is None:
        return
    x = call.inputs[0]
    shape = shape_args(call)
    sizes = None if shape is None else resolve(shape, x.numel())
    if shape is None or sizes is None:
        return
    found = None if call.source is None else code_at(call.source.path, call.source.span)
    written = None if found is None else renamed(found.text, "reshape")
    args = ", ".join(ctx.size_text(call, i, s) for i, s in enumerate(shape))
    reshape = written or f"x.reshape({args})"
    contiguous = (
        None if found is None else renamed(found.text, "contiguous().view")
    ) or f"x.contiguous().view({args})"
    copied = x.numel() * x.element_size()
    fix = f"{reshape}, which copies {copied} bytes per batch, or {contiguous}"
    message = (
        f"{named(call)} needs a view, but {tuple_text(x.shape)} with strides "
        f"{tuple_text(x.stride())} has none for {tuple_text(sizes)}.{_blocking(x, sizes)}"
    )
    conv = ctx.conv_source(x) if x.dim() >= 4 else None
    if conv is not None and conv.output is not None and not conv.output.is_contiguous():
        message += (
            f" These strides come from {named(conv)}, which keeps the channels_last "
            f"memory format of its input or weight, as torch's CPU kernels do."
        )
    change = at_call(call, lambda text: renamed(text, "reshape"), fix, as_reshape)
    numbers = {"bytes": copied}
    source = ctx.source(x, DEVICE_LAYOUT, _VIEWS)
    if source is None:
        ctx.add("not-viewable", call, message, fix, raised=True, numbers=numbers, change=change)
        return
    message += (
        f" These strides come from {named(source)} on meta; on a real device its output "
        f"may follow its input's layout, where the view can work."
    )
    ctx.error, ctx.explained = None, True
    ctx.rules += change.rules  # go on past the view, as a real device would
    ctx.add("not-viewable", call, message, fix, severity="warning", numbers=numbers)


def _blocking(x: torch.Tensor, sizes: tuple[int, ...]) -> str:
    """The sentence naming the first pair of dims the view would merge and cannot."""
    layout = Layout(tuple(x.shape), tuple(x.stride()))
    for start, end in merged_groups(tuple(x.shape), sizes):
        pair = blocking_pair(layout, start, end)
        if pair is not None:
            sentence = blocking_sentence(layout, *pair)
            return f" {sentence[0].upper()}{sentence[1:]}."
    return ""
