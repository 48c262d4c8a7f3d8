"""`Strided`, the tensor facade: a `Layout` plus the `Storage` it views, with torch's
view methods. Each method is one line that hands its arguments to the op that follows
ATen's rule (`shape_ops`, `reshape_ops`, `index_ops`)."""

from __future__ import annotations

from collections.abc import Sequence

from flatviz.core.cells import format_value
from flatviz.core.layout import Layout, address
from flatviz.core.source import Source
from flatviz.strided import index_ops, reshape_ops, shape_ops
from flatviz.strided.args import check_numel


class Storage:
    """The memory a layout points into: `size` elements of `itemsize` bytes each.

    Values are known lazily: with no `source`, the element at address `a` holds `a`
    (an `arange`); with one, the storage is a copy, and address `a` holds the element of
    `source` that `layout` (dense, offset 0) places at `a`. `meta` storage has no values.
    Two storages are the same memory only when they are the same object.
    """

    __slots__ = ("itemsize", "layout", "meta", "size", "source")

    def __init__(
        self,
        size: int,
        itemsize: int,
        meta: bool = False,
        source: Strided | None = None,
        layout: Layout | None = None,
    ) -> None:
        self.size, self.itemsize, self.meta = size, itemsize, meta
        self.source, self.layout = source, layout

    def __repr__(self) -> str:
        kind = "meta" if self.meta else "copy" if self.source is not None else "arange"
        return f"Storage({self.size} x {self.itemsize} bytes, {kind})"


class Strided:
    """A strided tensor without data: its `Layout` and the `Storage` it views.

    Examples:
        >>> from flatviz.strided import arange
        >>> x = arange(2, 3, 4).transpose(1, 2)
        >>> x.layout
        Layout(shape=(2, 4, 3), stride=(12, 1, 4), offset=0)
        >>> x.flatten(1).storage is x.storage  # flatten had to copy
        False
    """

    __slots__ = ("layout", "storage")

    def __init__(self, layout: Layout, storage: Storage) -> None:
        self.layout, self.storage = layout, storage

    def __repr__(self) -> str:
        return f"Strided({self.layout!r}, {self.storage!r})"

    def __eq__(self, other: object) -> bool:
        """The same geometry over the same storage."""
        if not isinstance(other, Strided):
            return NotImplemented
        return self.layout == other.layout and self.storage is other.storage

    def __hash__(self) -> int:
        return hash((self.layout, id(self.storage)))

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
        at = tensor.layout.offset_of(tuple(index))
        while True:
            storage = tensor.storage
            if storage.meta:
                return None
            if storage.source is None or storage.layout is None:
                return at
            placed = storage.layout
            index = tuple(
                (at // st) % sz if sz > 1 else 0
                for sz, st in zip(placed.shape, placed.stride, strict=True)
            )
            tensor = storage.source
            at = address(tensor.layout, index)

    def read_values(self, indices: Sequence[tuple[int, ...]]) -> list[str]:
        """The cell text of the values at `indices` (a `ValueReader`)."""
        return [format_value(self.value(i)) for i in indices]

    def __flatviz_source__(self) -> Source:
        """What a picture reads from this tensor (see `flatviz.external.source_of`)."""
        reader = None if self.is_meta else self.read_values
        return Source(self.layout, reader, self.storage.size)

    def tolist(self) -> object:
        """The values as nested lists, like `torch.Tensor.tolist()` (reads every element)."""

        def build(prefix: tuple[int, ...]) -> object:
            if len(prefix) == self.ndim:
                return self.value(prefix)
            return [build((*prefix, i)) for i in range(self.shape[len(prefix)])]

        return build(())

    def type_text(self) -> str:
        """The tensor type as ATen names it in messages."""
        if self.storage.meta:
            return "MetaFloatType"
        return "torch.LongTensor" if self.storage.itemsize == 8 else "torch.FloatTensor"

    def with_geometry(self, shape: Sequence[int], stride: Sequence[int], offset: int) -> Strided:
        """A view of the same storage with a new geometry."""
        check_numel(shape)
        return Strided(Layout(shape, stride, offset), self.storage)

    def copy_as(self, stride: Sequence[int]) -> Strided:
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

    # torch's view methods, in the order of the expression language's list.

    def transpose(self, dim0: object, dim1: object) -> Strided:
        """Swap two dims."""
        return shape_ops.transpose(self, dim0, dim1)

    def permute(self, *dims: object) -> Strided:
        """Reorder the dims."""
        return shape_ops.permute(self, dims)

    def t(self) -> Strided:
        """Transpose a tensor of at most 2 dims (0-d and 1-d come back unchanged)."""
        return shape_ops.t(self)

    @property
    def T(self) -> Strided:
        """Transpose a matrix (refused where torch deprecates it)."""
        return shape_ops.matrix_t(self)

    @property
    def mT(self) -> Strided:
        """Swap the last two dims (refused on 0-d, where torch deprecates it)."""
        return shape_ops.batch_t(self)

    def narrow(self, dim: object, start: object, length: object) -> Strided:
        """`length` elements of `dim` from `start` on."""
        return shape_ops.narrow(self, dim, start, length)

    def select(self, dim: object, index: object) -> Strided:
        """The slice at `index` of `dim`, which is removed."""
        return shape_ops.select(self, dim, index)

    def unsqueeze(self, dim: object) -> Strided:
        """Insert a size-1 dim at `dim`."""
        return shape_ops.unsqueeze(self, dim)

    def squeeze(self, *dims: object, dim: object = ...) -> Strided:
        """Remove size-1 dims: all of them, or those named (one int, several, or a tuple)."""
        return shape_ops.squeeze(self, dims, dim)

    def expand(self, *size: object) -> Strided:
        """Repeat size-1 dims (stride 0) and add leading ones; -1 keeps a size."""
        return shape_ops.expand(self, size)

    def as_strided(self, size: object, stride: object, storage_offset: object = None) -> Strided:
        """Any shape, strides and offset into the same storage."""
        return shape_ops.as_strided(self, size, stride, storage_offset)

    def unfold(self, dimension: object, size: object, step: object) -> Strided:
        """Windows of `size` elements along `dimension`, `step` apart, as a new last dim."""
        return shape_ops.unfold(self, dimension, size, step)

    def diagonal(self, offset: object = 0, dim1: object = 0, dim2: object = 1) -> Strided:
        """The diagonal of dims `dim1` and `dim2` (shifted by `offset`), as a new last dim."""
        return shape_ops.diagonal(self, offset, dim1, dim2)

    def view(self, *size: object) -> Strided:
        """The same storage seen with a new shape; refused when the strides cannot do it."""
        return reshape_ops.view(self, size)

    def reshape(self, *shape: object) -> Strided:
        """A view when the strides allow it, otherwise a row-major copy."""
        return reshape_ops.reshape(self, shape)

    def contiguous(self, *args: object, memory_format: object = None) -> Strided:
        """Itself when already laid out in `memory_format`, otherwise a copy that is."""
        return reshape_ops.contiguous(self, args, memory_format)

    def flatten(self, start_dim: object = 0, end_dim: object = -1) -> Strided:
        """Merge dims `start_dim..end_dim` into one: a view when the strides allow it."""
        return reshape_ops.flatten(self, start_dim, end_dim)

    def __getitem__(self, index: object) -> Strided:
        """Basic indexing: ints, slices (positive steps), None and one `...`, as in torch."""
        return index_ops.getitem(self, index)
