"""A torch-free layout algebra: the view operations of `torch.Tensor` on a `Layout`.

A `Strided` is a layout plus the storage it points into. Each operation follows ATen's
rule for the new shape, strides and offset (aten/src/ATen/native/TensorShape.cpp) and
refuses what torch refuses, with the same kind of message and exception class
(`IndexError`, `ValueError`, `TypeError`, or `RuntimeError` for a `TORCH_CHECK`).
Values are read lazily: `arange` storage holds its own address, and a copy records where
each element came from, so no operation costs more for a bigger tensor. Only the
standard library is used, so it also runs in the browser (Pyodide).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from flatviz.labels import format_value
from flatviz.layout import Layout
from flatviz.plan import compute_stride, contiguous_strides, wrap_dim

#: Largest int64: torch stores sizes, strides, offsets and byte counts in int64.
INT64_MAX = 2**63 - 1

#: The memory formats `contiguous` takes, by the name torch gives them.
MEMORY_FORMATS = ("contiguous_format", "channels_last", "channels_last_3d")


@dataclass(frozen=True)
class MemoryFormat:
    """One of torch's memory formats, named as in `torch.channels_last`."""

    name: str

    def __repr__(self) -> str:
        return f"torch.{self.name}"


@dataclass(frozen=True, eq=False)
class Storage:
    """The memory a layout points into: `size` elements of `itemsize` bytes each.

    Values are known lazily: with no `source`, the element at address `a` holds `a`
    (an `arange`); with one, the storage is a copy, and address `a` holds the element of
    `source` that `layout` (dense, offset 0) places at `a`. `meta` storage has no values.
    """

    size: int
    itemsize: int
    meta: bool = False
    source: Strided | None = None
    layout: Layout | None = None


def _ints_text(values: Sequence[int]) -> str:
    """A list of ints as ATen prints it, e.g. `[2, 3]`."""
    return "[" + ", ".join(str(v) for v in values) + "]"


def _int(op: str, name: str, value: object) -> int:
    """An int64 argument, refused as torch's argument parser refuses anything else."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{op}(): argument '{name}' must be int, not {_type_name(value)}")
    if not -INT64_MAX - 1 <= value <= INT64_MAX:
        raise ValueError("Overflow when unpacking long long")
    return value


def _int_list(op: str, name: str, value: object) -> tuple[int, ...]:
    """A list of int64s (a tuple or list), as torch's `int[]` arguments take."""
    if not isinstance(value, tuple | list):
        raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, not {_type_name(value)}")
    out = []
    for pos, v in enumerate(value, 1):
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(
                f"{op}(): argument '{name}' must be tuple of ints, but found element of "
                f"type {_type_name(v)}"
            )
        if not -INT64_MAX - 1 <= v <= INT64_MAX:
            raise TypeError(
                f"{op}(): argument '{name}' failed to unpack the object at pos {pos} with error "
                f'"Overflow when unpacking long long"'
            )
        out.append(v)
    return tuple(out)


def _varargs(op: str, name: str, values: tuple[object, ...]) -> tuple[int, ...]:
    """torch's `int[]` first argument: either several ints or one tuple or list."""
    if len(values) == 1 and isinstance(values[0], tuple | list):
        return _int_list(op, name, values[0])
    return _int_list(op, name, values)


def _type_name(value: object) -> str:
    if isinstance(value, MemoryFormat):
        return "torch.memory_format"
    return "NoneType" if value is None else type(value).__name__


def _dim(dim: object, ndim: int, op: str = "dim") -> int:
    """A dim wrapped as `maybe_wrap_dim` does (a 0-d tensor takes -1 and 0)."""
    d = _int(op, "dim", dim)
    try:
        return wrap_dim(op, d, ndim)
    except IndexError:
        span = max(ndim, 1)
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-span}, {span - 1}], "
            f"but got {d})"
        ) from None


def _check_numel(shape: Sequence[int]) -> None:
    """torch refuses a shape whose element count does not fit in int64."""
    if any(s < 0 for s in shape) or math.prod(shape) > INT64_MAX:
        raise RuntimeError("numel: integer multiplication overflow")


@dataclass(frozen=True)
class Strided:
    """A strided tensor without data: its `Layout` and the `Storage` it views.

    Examples:
        >>> x = arange(2, 3, 4).transpose(1, 2)
        >>> x.layout
        Layout(shape=(2, 4, 3), stride=(12, 1, 4), offset=0)
        >>> x.flatten(1).storage is x.storage  # flatten had to copy
        False
    """

    layout: Layout
    storage: Storage

    @property
    def shape(self) -> tuple[int, ...]:
        """Size of each dim."""
        return self.layout.shape

    @property
    def ndim(self) -> int:
        """Number of dims."""
        return self.layout.ndim

    def stride(self) -> tuple[int, ...]:
        """Strides in elements, as `torch.Tensor.stride()`."""
        return self.layout.stride

    def storage_offset(self) -> int:
        """Storage index of element `(0, 0, ...)`, as `torch.Tensor.storage_offset()`."""
        return self.layout.offset

    def numel(self) -> int:
        """Number of elements."""
        return self.layout.numel

    @property
    def is_meta(self) -> bool:
        """True when the storage holds no values (made by `empty`)."""
        return self.storage.meta

    def value(self, index: Sequence[int]) -> int | None:
        """The value at `index` (one int per dim), or None on meta storage.

        Follows the chain of copies back to the `arange` it came from, so it costs the
        number of copies times the number of dims, whatever the size.
        """
        tensor = self
        address = tensor.layout.offset_of(tuple(index))
        while True:
            storage = tensor.storage
            if storage.meta:
                return None
            if storage.source is None or storage.layout is None:
                return address
            placed = storage.layout
            index = tuple(
                (address // st) % sz if sz > 1 else 0
                for sz, st in zip(placed.shape, placed.stride, strict=True)
            )
            tensor = storage.source
            address = tensor.layout.offset_of(index)

    def labels(self, indices: Sequence[tuple[int, ...]]) -> list[str]:
        """The cell labels of the elements at `indices` (a `Labeler`)."""
        return [format_value(self.value(i)) for i in indices]

    def tolist(self) -> object:
        """The values as nested lists, like `torch.Tensor.tolist()` (reads every element)."""

        def build(prefix: tuple[int, ...]) -> object:
            if len(prefix) == self.ndim:
                return self.value(prefix)
            return [build((*prefix, i)) for i in range(self.shape[len(prefix)])]

        return build(())

    def _type_text(self) -> str:
        """The tensor type as ATen names it in messages."""
        if self.storage.meta:
            return "MetaFloatType"
        return "torch.LongTensor" if self.storage.itemsize == 8 else "torch.FloatTensor"

    def _view(self, shape: Sequence[int], stride: Sequence[int], offset: int) -> Strided:
        """A view of the same storage with a new geometry."""
        _check_numel(shape)
        return Strided(Layout(shape, stride, offset), self.storage)

    def _copy(self, stride: Sequence[int]) -> Strided:
        """A new dense storage holding this tensor's elements, laid out with `stride`."""
        placed = Layout(self.shape, stride, 0)
        storage = Storage(
            self.numel(),
            self.storage.itemsize,
            self.storage.meta,
            None if self.storage.meta else self,
            None if self.storage.meta else placed,
        )
        return Strided(placed, storage)

    # Shape and stride operations, in the order of the README's list.

    def transpose(self, dim0: object, dim1: object) -> Strided:
        """Swap two dims."""
        d0, d1 = _dim(dim0, self.ndim), _dim(dim1, self.ndim)
        if self.ndim == 0:
            return self
        shape, stride = list(self.shape), list(self.stride())
        shape[d0], shape[d1] = shape[d1], shape[d0]
        stride[d0], stride[d1] = stride[d1], stride[d0]
        return self._view(shape, stride, self.layout.offset)

    def permute(self, *dims: object) -> Strided:
        """Reorder the dims."""
        if not dims:
            raise TypeError('permute() missing 1 required positional arguments: "dims"')
        order = _varargs("permute", "dims", dims)
        if len(order) != self.ndim:
            raise RuntimeError(
                "permute(sparse_coo): number of dimensions in the tensor input does not match "
                "the length of the desired ordering of dimensions i.e. input.dim() = "
                f"{self.ndim} is not equal to len(dims) = {len(order)}"
            )
        wrapped: list[int] = []
        for d in order:
            w = _dim(d, self.ndim)
            if w in wrapped:
                raise RuntimeError("permute(): duplicate dims are not allowed.")
            wrapped.append(w)
        return self._view(
            [self.shape[d] for d in wrapped],
            [self.stride()[d] for d in wrapped],
            self.layout.offset,
        )

    def t(self) -> Strided:
        """Transpose a tensor of at most 2 dims (0-d and 1-d come back unchanged)."""
        if self.ndim > 2:
            raise RuntimeError(
                f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D"
            )
        return self.transpose(0, 1) if self.ndim == 2 else self

    @property
    def T(self) -> Strided:
        """Transpose a matrix; torch deprecates it (with a warning) on other than 2 dims,
        and the language refuses what torch deprecates."""
        if self.ndim == 0:
            raise RuntimeError(
                "Tensor.T is deprecated on 0-D tensors. This function is the identity in "
                "these cases."
            )
        if self.ndim != 2:
            raise RuntimeError(
                "The use of `x.T` on tensors of dimension other than 2 to reverse their "
                "shape is deprecated and it will throw an error in a future release. "
                "Consider `x.mT` to transpose batches of matrices or "
                "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions "
                "of a tensor."
            )
        return self.transpose(0, 1)

    @property
    def mT(self) -> Strided:
        """Swap the last two dims (torch deprecates it on 0-d; the language refuses that)."""
        if self.ndim == 0:
            raise RuntimeError(
                "Tensor.mT is deprecated on 0-D tensors. This function is the identity in "
                "these cases."
            )
        if self.ndim < 2:
            raise RuntimeError(
                "tensor.mT is only supported on matrices or batches of matrices. "
                f"Got {self.ndim}-D tensor."
            )
        return self.transpose(-2, -1)

    def narrow(self, dim: object, start: object, length: object) -> Strided:
        """`length` elements of `dim` from `start` on."""
        begin = _int("narrow", "start", start)
        count = _int("narrow", "length", length)
        if self.ndim == 0:
            raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
        if count < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        d = _dim(dim, self.ndim)
        size = self.shape[d]
        if not -size <= begin <= size:
            raise IndexError(
                f"start out of range (expected to be in range of [{-size}, {size}], "
                f"but got {begin})"
            )
        if begin < 0:
            begin += size
        if begin > size - count:
            raise RuntimeError(
                f"start ({begin}) + length ({count}) exceeds dimension size ({size})."
            )
        return self._slice(d, begin, begin + count, 1)

    def _slice(self, dim: int, start: int, end: int, step: int) -> Strided:
        """ATen's `slice` with its clamping of `start` and `end` to the dim."""
        size = self.shape[dim]
        if start < 0:
            start += size
        if end < 0:
            end += size
        start = min(max(start, 0), size)
        end = start if end < start else min(end, size)
        shape, stride = list(self.shape), list(self.stride())
        shape[dim] = (end - start + step - 1) // step
        stride[dim] *= step
        return self._view(shape, stride, self.layout.offset + start * self.stride()[dim])

    def select(self, dim: object, index: object) -> Strided:
        """The slice at `index` of `dim`, which is removed."""
        i = _int("select", "index", index)
        if self.ndim == 0:
            raise IndexError("select() cannot be applied to a 0-dim tensor.")
        d = _dim(dim, self.ndim)
        size = self.shape[d]
        if not -size <= i < size:
            raise IndexError(
                f"select(): index {i} out of range for tensor of size "
                f"{_ints_text(self.shape)} at dimension {d}"
            )
        if i < 0:
            i += size
        return self._view(
            self.shape[:d] + self.shape[d + 1 :],
            self.stride()[:d] + self.stride()[d + 1 :],
            self.layout.offset + i * self.stride()[d],
        )

    def unsqueeze(self, dim: object) -> Strided:
        """Insert a size-1 dim at `dim`."""
        d = _dim(dim, self.ndim + 1)
        shape, stride = list(self.shape), list(self.stride())
        step = 1 if d >= self.ndim else shape[d] * stride[d]
        shape.insert(d, 1)
        stride.insert(d, step)
        return self._view(shape, stride, self.layout.offset)

    def squeeze(self, *dims: object, dim: object = ...) -> Strided:
        """Remove size-1 dims: all of them, or those named (one int, several, or a tuple)."""
        if dims and dim is not ...:
            raise TypeError("squeeze() got multiple values for argument 'dim'")
        listed: tuple[object, ...] = dims if dims else () if dim is ... else (dim,)
        if not listed:
            chosen = set(range(self.ndim))
        else:
            if len(listed) == 1 and isinstance(listed[0], tuple | list):
                numbers = _int_list("squeeze", "dim", listed[0])
            elif len(listed) == 1:
                numbers = (_int("squeeze", "dim", listed[0]),)
            else:
                numbers = _int_list("squeeze", "dim", listed)
            chosen = set()
            for d in numbers:
                w = _dim(d, self.ndim)
                if w in chosen:
                    raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
                chosen.add(w)
        keep = [d for d in range(self.ndim) if not (d in chosen and self.shape[d] == 1)]
        return self._view(
            [self.shape[d] for d in keep], [self.stride()[d] for d in keep], self.layout.offset
        )

    def expand(self, *size: object) -> Strided:
        """Repeat size-1 dims (stride 0) and add leading ones; -1 keeps a size."""
        if not size:
            raise TypeError('expand() missing 1 required positional arguments: "size"')
        sizes = _varargs("expand", "size", size)
        if len(sizes) < self.ndim:
            raise RuntimeError(
                f"expand({self._type_text()}{{{_ints_text(self.shape)}}}, "
                f"size={_ints_text(sizes)}): the number of sizes provided ({len(sizes)}) must "
                f"be greater or equal to the number of dimensions in the tensor ({self.ndim})"
            )
        if self.ndim == 0:
            return self._view(sizes, [0] * len(sizes), self.layout.offset)
        n = len(sizes)
        shape, stride = [0] * n, [0] * n
        for i in reversed(range(n)):
            d = self.ndim - n + i
            have = self.shape[d] if d >= 0 else 1
            step = self.stride()[d] if d >= 0 else shape[i + 1] * stride[i + 1] if i + 1 < n else 1
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
                        f"The expanded size of the tensor ({want}) must match the existing "
                        f"size ({have}) at non-singleton dimension {i}.  Target sizes: "
                        f"{_ints_text(sizes)}.  Tensor sizes: {_ints_text(self.shape)}"
                    )
                have, step = want, 0
            shape[i], stride[i] = have, step
        return self._view(shape, stride, self.layout.offset)

    def as_strided(self, size: object, stride: object, storage_offset: object = None) -> Strided:
        """Any shape, strides and offset into the same storage (checked against its size,
        except on meta storage, which torch does not check)."""
        sizes = _int_list("as_strided", "size", size)
        steps = _int_list("as_strided", "stride", stride)
        offset = (
            self.layout.offset
            if storage_offset is None
            else _int("as_strided", "storage_offset", storage_offset)
        )
        if len(sizes) != len(steps):
            raise RuntimeError("mismatch in length of strides and shape")
        if any(s < 0 for s in steps):
            raise RuntimeError(
                "as_strided: Negative strides are not supported at the moment, "
                f"got strides: {_ints_text(steps)}"
            )
        if offset < 0:
            raise RuntimeError(f"Tensor: invalid storage offset {offset}")
        item = self.storage.itemsize
        span = _storage_nbytes(sizes, steps, item)
        if span and not self.storage.meta and span + offset * item > self.storage.size * item:
            raise RuntimeError(
                f"setStorage: sizes {_ints_text(sizes)}, strides {_ints_text(steps)}, "
                f"storage offset {offset}, and itemsize {item} requiring a storage size of "
                f"{span + offset * item} are out of bounds for storage of size "
                f"{self.storage.size * item}"
            )
        return self._view(sizes, steps, offset)

    def unfold(self, dimension: object, size: object, step: object) -> Strided:
        """Windows of `size` elements along `dimension`, `step` apart, as a new last dim."""
        d = _dim(dimension, self.ndim)
        width = _int("unfold", "size", size)
        hop = _int("unfold", "step", step)
        most = self.shape[d] if self.ndim else 1
        if width > most:
            raise RuntimeError(
                f"maximum size for tensor at dimension {d} is {most} but size is {width}"
            )
        if width < 0:
            raise RuntimeError(f"size is {width} but must be >= 0")
        if hop <= 0:
            raise RuntimeError(f"step is {hop} but must be > 0")
        shape, stride = [*self.shape, width], [*self.stride(), self.stride()[d] if self.ndim else 1]
        if self.ndim:
            shape[d] = (shape[d] - width) // hop + 1
            stride[d] *= hop
        return self._view(shape, stride, self.layout.offset)

    def diagonal(self, offset: object = 0, dim1: object = 0, dim2: object = 1) -> Strided:
        """The diagonal of dims `dim1` and `dim2` (shifted by `offset`), as a new last dim."""
        k = _int("diagonal", "offset", offset)
        d1, d2 = _dim(dim1, self.ndim), _dim(dim2, self.ndim)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        n1, n2 = self.shape[d1], self.shape[d2]
        s1, s2 = self.stride()[d1], self.stride()[d2]
        length = max(min(n1, n2 - k), 0) if k >= 0 else max(min(n1 + k, n2), 0)
        start = self.layout.offset
        if length and k >= 0:
            start += k * s2
        elif length:
            start -= k * s1
        keep = [d for d in range(self.ndim) if d not in (d1, d2)]
        return self._view(
            [*(self.shape[d] for d in keep), length],
            [*(self.stride()[d] for d in keep), s1 + s2],
            start,
        )

    def _infer_size(self, shape: Sequence[int]) -> tuple[int, ...]:
        """ATen's `infer_size`: fill in one -1 and check the element count."""
        numel = self.numel()
        known = 1
        infer: int | None = None
        for i, s in enumerate(shape):
            if s == -1:
                if infer is not None:
                    raise RuntimeError("only one dimension can be inferred")
                infer = i
            elif s >= 0:
                known *= s
            else:
                raise RuntimeError(
                    f"invalid shape dimension {s} at index {i} of shape {_ints_text(shape)}"
                )
        if numel == known or (infer is not None and known > 0 and numel % known == 0):
            out = list(shape)
            if infer is not None:
                if known == 0:
                    raise RuntimeError(
                        f"cannot reshape tensor of 0 elements into shape {_ints_text(shape)} "
                        "because the unspecified dimension size -1 can be any value and is "
                        "ambiguous"
                    )
                out[infer] = numel // known
            return tuple(out)
        raise RuntimeError(f"shape '{_ints_text(shape)}' is invalid for input of size {numel}")

    def view(self, *size: object) -> Strided:
        """The same storage seen with a new shape; refused when the strides cannot do it."""
        if not size:
            raise TypeError("view() received an invalid combination of arguments - got ()")
        shape = self._infer_size(_varargs("view", "size", size))
        stride = compute_stride(self.shape, self.stride(), shape)
        if stride is None:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least "
                "one dimension spans across two contiguous subspaces). Use .reshape(...) "
                "instead."
            )
        return self._view(shape, stride, self.layout.offset)

    def reshape(self, *shape: object) -> Strided:
        """A view when the strides allow it, otherwise a row-major copy."""
        if not shape:
            raise TypeError('reshape() missing 1 required positional arguments: "shape"')
        return self._reshape(self._infer_size(_varargs("reshape", "shape", shape)))

    def _reshape(self, shape: tuple[int, ...]) -> Strided:
        stride = compute_stride(self.shape, self.stride(), shape)
        if stride is not None:
            return self._view(shape, stride, self.layout.offset)
        copy = self._copy(contiguous_strides(self.shape))
        viewed = compute_stride(copy.shape, copy.stride(), shape)
        assert viewed is not None  # a row-major tensor can take any shape of its numel
        return copy._view(shape, viewed, 0)

    def contiguous(self, *args: object, memory_format: object = None) -> Strided:
        """Itself when already laid out in `memory_format`, otherwise a copy that is."""
        if args:
            raise TypeError(f"contiguous() takes 0 positional arguments but {len(args)} was given")
        fmt = MemoryFormat("contiguous_format") if memory_format is None else memory_format
        if not isinstance(fmt, MemoryFormat) or fmt.name not in MEMORY_FORMATS:
            raise TypeError(
                "contiguous(): argument 'memory_format' must be torch.memory_format, "
                f"not {_type_name(fmt)}"
            )
        if fmt.name == "contiguous_format":
            if _is_contiguous(self.layout):
                return self
            return self._copy(contiguous_strides(self.shape))
        rank = 4 if fmt.name == "channels_last" else 5
        if self.ndim != rank:
            raise RuntimeError(f"required rank {rank} tensor to use {fmt.name} format")
        order = (1, 3, 2, 0) if rank == 4 else (1, 4, 3, 2, 0)
        if _is_dense_in(self.layout, order):
            return self
        stride = [0] * rank
        step = 1
        for d in order:
            stride[d] = step
            step *= self.shape[d]
        return self._copy(stride)

    def flatten(self, start_dim: object = 0, end_dim: object = -1) -> Strided:
        """Merge dims `start_dim..end_dim` into one: a view when the strides allow it."""
        start, end = _dim(start_dim, self.ndim), _dim(end_dim, self.ndim)
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if self.ndim == 0:
            return self._reshape((1,))
        if start == end:
            return self
        merged = math.prod(self.shape[start : end + 1])
        return self._reshape((*self.shape[:start], merged, *self.shape[end + 1 :]))

    def __getitem__(self, index: object) -> Strided:
        """Basic indexing: ints, slices (positive steps), None and `...`, as in torch."""
        if not isinstance(index, tuple):
            return self._index_one(index)
        specified = sum(1 for i in index if i is not None and i is not Ellipsis)
        if specified > self.ndim:
            raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
        result, dim = self, 0
        for position, item in enumerate(index):
            if item is Ellipsis:
                dim += self.ndim - specified
            elif item is None:
                result = result.unsqueeze(dim)
                dim += 1
            elif isinstance(item, slice):
                result = result._index_slice(dim, item)
                dim += 1
            else:
                result = result._index_int(dim, position, item)
        return result

    def _index_one(self, item: object) -> Strided:
        """`x[item]` for one item, which torch handles apart from tuples."""
        if item is None:
            return self.unsqueeze(0)
        if item is Ellipsis:
            return self
        if isinstance(item, slice):
            if self.ndim == 0:
                _slice_bounds(item)
                raise IndexError("slice() cannot be applied to a 0-dim tensor.")
            return self._index_slice(0, item)
        return self._index_int(0, 0, item)

    def _index_int(self, dim: int, real: int, item: object) -> Strided:
        if isinstance(item, bool) or not isinstance(item, int):
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                "Variables are valid indices"
            )
        if not -INT64_MAX - 1 <= item <= INT64_MAX:
            raise ValueError("Overflow when unpacking long long")
        if item == 0 and dim == 0 and self.ndim == 0:
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
            )
        if dim >= self.ndim > 0:  # past the last dim (two `...`): select's own refusal
            _dim(dim, self.ndim)
        size = self.shape[dim] if self.ndim else 0  # torch reports a 0-d tensor's size as 0
        if not -size <= item < size:
            raise IndexError(f"index {item} is out of bounds for dimension {real} with size {size}")
        return self.select(dim, item)

    def _index_slice(self, dim: int, item: slice) -> Strided:
        start, stop, step = _slice_bounds(item)
        length = self.shape[dim] if dim < self.ndim else 0
        if start == 0 and step == 1 and stop >= length:
            return self  # torch skips a slice that keeps everything, even past the last dim
        return self._slice(_dim(dim, self.ndim), start, stop, step)


def _slice_bounds(item: slice) -> tuple[int, int, int]:
    """A slice's start, stop and step as CPython's `PySlice_Unpack` gives them to torch
    (clamped to the platform's ssize_t), then refused unless the step is positive."""
    ssize_max = 2**63 - 1
    parts = []
    for part in (item.start, item.stop, item.step):
        if part is not None and (isinstance(part, bool) or not isinstance(part, int)):
            raise TypeError("slice indices must be integers or None or have an __index__ method")
        parts.append(part)
    start, stop, step = parts
    step = 1 if step is None else max(min(step, ssize_max), -ssize_max)
    if step == 0:
        raise ValueError("slice step cannot be zero")
    start = (0 if step > 0 else ssize_max) if start is None else start
    stop = (ssize_max if step > 0 else -ssize_max - 1) if stop is None else stop
    start = max(min(start, ssize_max), -ssize_max - 1)
    stop = max(min(stop, ssize_max), -ssize_max - 1)
    if step <= 0:
        raise ValueError("step must be greater than zero")
    return start, stop, step


def _storage_nbytes(shape: Sequence[int], stride: Sequence[int], itemsize: int) -> int:
    """ATen's `computeStorageNbytes`: bytes a geometry spans (0 when it has no elements)."""
    if any(s == 0 for s in shape) and all(s >= 0 for s in shape):
        return 0
    span = 1 + sum((n - 1) * s for n, s in zip(shape, stride, strict=True))
    nbytes = span * itemsize
    if any(s < 0 for s in shape) or nbytes > INT64_MAX:
        raise RuntimeError(
            f"Storage size calculation overflowed with sizes={_ints_text(shape)} and "
            f"strides={_ints_text(stride)}"
        )
    return nbytes


def _is_contiguous(layout: Layout) -> bool:
    """torch's `is_contiguous()`: row-major, skipping size-1 dims; true with no elements."""
    return layout.numel == 0 or _is_dense_in(layout, range(layout.ndim - 1, -1, -1))


def _is_dense_in(layout: Layout, order: Sequence[int]) -> bool:
    """True when the dims, innermost first in `order`, are packed with no gaps
    (size-1 dims may have any stride)."""
    expected = 1
    for d in order:
        if layout.shape[d] != 1:
            if layout.stride[d] != expected:
                return False
            expected *= layout.shape[d]
    return True


def _new(shape: Sequence[int], itemsize: int, meta: bool) -> Strided:
    """A fresh row-major tensor with its own storage, refused as `torch.empty` refuses a
    size that does not fit in int64."""
    sizes = _varargs("empty", "size", tuple(shape))
    if any(s < 0 for s in sizes):
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {min(sizes)}: {_ints_text(sizes)}"
        )
    numel = math.prod(sizes)
    if numel * itemsize > INT64_MAX:
        raise RuntimeError(f"Storage size calculation overflowed with sizes={_ints_text(sizes)}")
    stride = contiguous_strides(sizes)
    if any(s > INT64_MAX for s in stride):
        raise RuntimeError("Stride calculation overflowed")
    return Strided(Layout(sizes, stride, 0), Storage(numel, itemsize, meta))


def arange(*shape: object) -> Strided:
    """`torch.arange(n).reshape(shape)`: int64 values 0, 1, 2, ... in row-major order."""
    return _new(_shape_args("arange", shape), 8, meta=False)


def empty(*shape: object) -> Strided:
    """`torch.empty(shape, device="meta")`: float32, no values, no memory."""
    return _new(_shape_args("empty", shape), 4, meta=True)


def _shape_args(op: str, shape: tuple[object, ...]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        return _int_list(op, "size", shape[0])
    return _int_list(op, "size", shape)
