"""Hypothesis strategies for strided layouts and flatten dims (core and scene tests)."""

from __future__ import annotations

from hypothesis import strategies as st

from flatviz.core.layout import Layout, contiguous_strides


@st.composite
def layouts(draw: st.DrawFn) -> Layout:
    """Random strided layouts: 0-5 dims, sizes 0..7, strides 0..40 (so expand and
    overlapping layouts come up), storage offsets 0..9."""
    ndim = draw(st.integers(0, 5))
    shape = draw(st.lists(st.integers(0, 7), min_size=ndim, max_size=ndim))
    stride = draw(st.lists(st.integers(0, 40), min_size=ndim, max_size=ndim))
    return Layout(shape, stride, draw(st.integers(0, 9)))


@st.composite
def derived_layouts(draw: st.DrawFn) -> Layout:
    """Layouts the way views make them: a contiguous tensor, then permuted, step-sliced,
    expanded (stride 0) and given size-1 dims with arbitrary strides, so that both views
    and copies come up often."""
    ndim = draw(st.integers(1, 5))
    shape = draw(st.lists(st.integers(1, 5), min_size=ndim, max_size=ndim))
    steps = draw(st.lists(st.sampled_from([1, 1, 1, 2, 3]), min_size=ndim, max_size=ndim))
    parent = contiguous_strides([n * k for n, k in zip(shape, steps, strict=True)])
    stride = [c * k for c, k in zip(parent, steps, strict=True)]
    order = draw(st.permutations(range(ndim)))
    shape, stride = [shape[d] for d in order], [stride[d] for d in order]
    for d in range(ndim):
        if shape[d] == 1:
            stride[d] = draw(st.integers(0, 50))
        elif draw(st.integers(0, 9)) == 0:
            stride[d] = 0
    return Layout(shape, stride, draw(st.integers(0, 9)))


@st.composite
def dims(draw: st.DrawFn, layout: Layout) -> tuple[int, int]:
    """start_dim <= end_dim in range most of the time (each written either way, positive
    or negative); otherwise any pair, out of range or reversed."""
    span = max(layout.ndim, 1)
    if draw(st.integers(0, 4)) == 0:
        anywhere = st.integers(-span - 2, span + 1)
        return draw(anywhere), draw(anywhere)
    start = draw(st.integers(0, span - 1))
    end = draw(st.integers(start, span - 1))
    return (
        start - span if draw(st.booleans()) else start,
        end - span if draw(st.booleans()) else end,
    )
