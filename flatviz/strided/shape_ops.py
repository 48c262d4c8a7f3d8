"""View ops that rearrange, cut or repeat dims, each following ATen's rule
(aten/src/ATen/native/TensorShape.cpp) for the new shape, strides and offset, and
refusing what torch refuses, with its words and exception class."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from flatviz.core.text import list_text
from flatviz.strided.args import INT64_MAX, dim_arg, int_arg, int_list, varargs

if TYPE_CHECKING:
    from flatviz.strided.tensor import Strided


def _swapped(values: Sequence[int], d0: int, d1: int) -> list[int]:
    out = list(values)
    out[d0], out[d1] = out[d1], out[d0]
    return out


def transpose(x: Strided, dim0: object, dim1: object) -> Strided:
    """Swap two dims."""
    d0, d1 = dim_arg(dim0, x.ndim), dim_arg(dim1, x.ndim)
    if x.ndim == 0:
        return x
    return x.with_geometry(_swapped(x.shape, d0, d1), _swapped(x.stride(), d0, d1), x.layout.offset)


def permute(x: Strided, dims: tuple[object, ...]) -> Strided:
    """Reorder the dims."""
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    order = varargs("permute", "dims", dims)
    if len(order) != x.ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match "
            "the length of the desired ordering of dimensions i.e. input.dim() = "
            f"{x.ndim} is not equal to len(dims) = {len(order)}"
        )
    wrapped: list[int] = []
    for d in order:
        w = dim_arg(d, x.ndim)
        if w in wrapped:
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        wrapped.append(w)
    return x.with_geometry(
        [x.shape[d] for d in wrapped], [x.stride()[d] for d in wrapped], x.layout.offset
    )


def t(x: Strided) -> Strided:
    """Transpose a tensor of at most 2 dims (0-d and 1-d come back unchanged)."""
    if x.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return transpose(x, 0, 1) if x.ndim == 2 else x


def matrix_t(x: Strided) -> Strided:
    """`x.T`: torch deprecates it (with a warning) on other than 2 dims, and the language
    refuses what torch deprecates."""
    if x.ndim == 0:
        raise RuntimeError(
            "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases."
        )
    if x.ndim != 2:
        raise RuntimeError(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their "
            "shape is deprecated and it will throw an error in a future release. "
            "Consider `x.mT` to transpose batches of matrices or "
            "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions "
            "of a tensor."
        )
    return transpose(x, 0, 1)


def batch_t(x: Strided) -> Strided:
    """`x.mT`: swap the last two dims (torch deprecates it on 0-d; the language refuses)."""
    if x.ndim == 0:
        raise RuntimeError(
            "Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases."
        )
    if x.ndim < 2:
        raise RuntimeError(
            "tensor.mT is only supported on matrices or batches of matrices. "
            f"Got {x.ndim}-D tensor."
        )
    return transpose(x, -2, -1)


def narrow(x: Strided, dim: object, start: object, length: object) -> Strided:
    """`length` elements of `dim` from `start` on."""
    begin = int_arg("narrow", "start", start)
    count = int_arg("narrow", "length", length)
    if x.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if count < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = dim_arg(dim, x.ndim)
    size = x.shape[d]
    if not -size <= begin <= size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got {begin})"
        )
    if begin < 0:
        begin += size
    if begin > size - count:
        raise RuntimeError(f"start ({begin}) + length ({count}) exceeds dimension size ({size}).")
    return slice_dim(x, d, begin, begin + count, 1)


def slice_dim(x: Strided, dim: int, start: int, end: int, step: int) -> Strided:
    """ATen's `slice` with its clamping of `start` and `end` to the dim."""
    size = x.shape[dim]
    if start < 0:
        start += size
    if end < 0:
        end += size
    start = min(max(start, 0), size)
    end = start if end < start else min(end, size)
    shape, stride = list(x.shape), list(x.stride())
    shape[dim] = (end - start + step - 1) // step
    stride[dim] *= step
    return x.with_geometry(shape, stride, x.layout.offset + start * x.stride()[dim])


def select(x: Strided, dim: object, index: object) -> Strided:
    """The slice at `index` of `dim`, which is removed."""
    i = int_arg("select", "index", index)
    if x.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = dim_arg(dim, x.ndim)
    size = x.shape[d]
    if not -size <= i < size:
        raise IndexError(
            f"select(): index {i} out of range for tensor of size {list_text(x.shape)} "
            f"at dimension {d}"
        )
    if i < 0:
        i += size
    return x.with_geometry(
        x.shape[:d] + x.shape[d + 1 :],
        x.stride()[:d] + x.stride()[d + 1 :],
        x.layout.offset + i * x.stride()[d],
    )


def unsqueeze(x: Strided, dim: object) -> Strided:
    """Insert a size-1 dim at `dim`."""
    d = dim_arg(dim, x.ndim + 1)
    shape, stride = list(x.shape), list(x.stride())
    step = 1 if d >= x.ndim else shape[d] * stride[d]
    shape.insert(d, 1)
    stride.insert(d, step)
    return x.with_geometry(shape, stride, x.layout.offset)


def _squeezed_dims(x: Strided, listed: tuple[object, ...]) -> set[int]:
    """The dims `squeeze` is asked about: all, or those named (one int, several, a tuple)."""
    if not listed:
        return set(range(x.ndim))
    if len(listed) == 1 and isinstance(listed[0], tuple | list):
        numbers = int_list("squeeze", "dim", listed[0])
    elif len(listed) == 1:
        numbers = (int_arg("squeeze", "dim", listed[0]),)
    else:
        numbers = int_list("squeeze", "dim", listed)
    chosen: set[int] = set()
    for d in numbers:
        w = dim_arg(d, x.ndim)
        if w in chosen:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        chosen.add(w)
    return chosen


def squeeze(x: Strided, dims: tuple[object, ...], dim: object) -> Strided:
    """Remove size-1 dims: all of them, or those named (`dim=...` means none named)."""
    if dims and dim is not ...:
        raise TypeError("squeeze() got multiple values for argument 'dim'")
    chosen = _squeezed_dims(x, dims if dims else () if dim is ... else (dim,))
    keep = [d for d in range(x.ndim) if not (d in chosen and x.shape[d] == 1)]
    return x.with_geometry(
        [x.shape[d] for d in keep], [x.stride()[d] for d in keep], x.layout.offset
    )


def expand(x: Strided, size: tuple[object, ...]) -> Strided:
    """Repeat size-1 dims (stride 0) and add leading ones; -1 keeps a size."""
    if not size:
        raise TypeError('expand() missing 1 required positional arguments: "size"')
    sizes = varargs("expand", "size", size)
    if len(sizes) < x.ndim:
        raise RuntimeError(
            f"expand({x.type_text()}{{{list_text(x.shape)}}}, size={list_text(sizes)}): the "
            f"number of sizes provided ({len(sizes)}) must be greater or equal to the number "
            f"of dimensions in the tensor ({x.ndim})"
        )
    if x.ndim == 0:
        return x.with_geometry(sizes, [0] * len(sizes), x.layout.offset)
    n = len(sizes)
    shape, stride = [0] * n, [0] * n
    for i in reversed(range(n)):
        d = x.ndim - n + i
        have = x.shape[d] if d >= 0 else 1
        step = x.stride()[d] if d >= 0 else shape[i + 1] * stride[i + 1] if i + 1 < n else 1
        want = sizes[i]
        if want == -1:
            if d < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                    f"non-existing dimension {i}"
                )
            want = have
        if have != want:
            if have != 1:
                raise RuntimeError(
                    f"The expanded size of the tensor ({want}) must match the existing size "
                    f"({have}) at non-singleton dimension {i}.  Target sizes: "
                    f"{list_text(sizes)}.  Tensor sizes: {list_text(x.shape)}"
                )
            have, step = want, 0
        shape[i], stride[i] = have, step
    return x.with_geometry(shape, stride, x.layout.offset)


def storage_nbytes(shape: Sequence[int], stride: Sequence[int], itemsize: int) -> int:
    """ATen's `computeStorageNbytes`: bytes a geometry spans (0 when it has no elements)."""
    if any(s == 0 for s in shape) and all(s >= 0 for s in shape):
        return 0
    span = 1 + sum((n - 1) * s for n, s in zip(shape, stride, strict=True))
    nbytes = span * itemsize
    if any(s < 0 for s in shape) or nbytes > INT64_MAX:
        raise RuntimeError(
            f"Storage size calculation overflowed with sizes={list_text(shape)} and "
            f"strides={list_text(stride)}"
        )
    return nbytes


def as_strided(x: Strided, size: object, stride: object, storage_offset: object) -> Strided:
    """Any shape, strides and offset into the same storage (checked against its size,
    except on meta storage, which torch does not check)."""
    sizes = int_list("as_strided", "size", size)
    steps = int_list("as_strided", "stride", stride)
    offset = (
        x.layout.offset
        if storage_offset is None
        else int_arg("as_strided", "storage_offset", storage_offset)
    )
    if len(sizes) != len(steps):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in steps):
        raise RuntimeError(
            "as_strided: Negative strides are not supported at the moment, "
            f"got strides: {list_text(steps)}"
        )
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    item = x.storage.itemsize
    span = storage_nbytes(sizes, steps, item)
    if span and not x.storage.meta and span + offset * item > x.storage.size * item:
        raise RuntimeError(
            f"setStorage: sizes {list_text(sizes)}, strides {list_text(steps)}, "
            f"storage offset {offset}, and itemsize {item} requiring a storage size of "
            f"{span + offset * item} are out of bounds for storage of size "
            f"{x.storage.size * item}"
        )
    return x.with_geometry(sizes, steps, offset)


def unfold(x: Strided, dimension: object, size: object, step: object) -> Strided:
    """Windows of `size` elements along `dimension`, `step` apart, as a new last dim."""
    d = dim_arg(dimension, x.ndim)
    width = int_arg("unfold", "size", size)
    hop = int_arg("unfold", "step", step)
    most = x.shape[d] if x.ndim else 1
    if width > most:
        raise RuntimeError(
            f"maximum size for tensor at dimension {d} is {most} but size is {width}"
        )
    if width < 0:
        raise RuntimeError(f"size is {width} but must be >= 0")
    if hop <= 0:
        raise RuntimeError(f"step is {hop} but must be > 0")
    shape, stride = [*x.shape, width], [*x.stride(), x.stride()[d] if x.ndim else 1]
    if x.ndim:
        shape[d] = (shape[d] - width) // hop + 1
        stride[d] *= hop
    return x.with_geometry(shape, stride, x.layout.offset)


def diagonal(x: Strided, offset: object, dim1: object, dim2: object) -> Strided:
    """The diagonal of dims `dim1` and `dim2` (shifted by `offset`), as a new last dim."""
    k = int_arg("diagonal", "offset", offset)
    d1, d2 = dim_arg(dim1, x.ndim), dim_arg(dim2, x.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n1, n2 = x.shape[d1], x.shape[d2]
    s1, s2 = x.stride()[d1], x.stride()[d2]
    length = max(min(n1, n2 - k), 0) if k >= 0 else max(min(n1 + k, n2), 0)
    start = x.layout.offset
    if length and k >= 0:
        start += k * s2
    elif length:
        start -= k * s1
    keep = [d for d in range(x.ndim) if d not in (d1, d2)]
    return x.with_geometry(
        [*(x.shape[d] for d in keep), length], [*(x.stride()[d] for d in keep), s1 + s2], start
    )
