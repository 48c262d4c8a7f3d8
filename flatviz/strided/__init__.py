"""A torch-free layout algebra: the view operations of `torch.Tensor` on a `Layout`.

A `Strided` is a layout plus the storage it points into. Each operation follows ATen's
rule for the new shape, strides and offset (aten/src/ATen/native/TensorShape.cpp) and
refuses what torch refuses, with the same kind of message and exception class
(`IndexError`, `ValueError`, `TypeError`, or `RuntimeError` for a `TORCH_CHECK`).
Values are read lazily: `arange` storage holds its own address, and a copy records where
each element came from, so no operation costs more for a bigger tensor. Only the
standard library is used, so it also runs in the browser (Pyodide).

- `args`: arguments parsed and refused as torch's binding does;
- `tensor`: `Strided` (the facade) and its `Storage`;
- `shape_ops`, `reshape_ops`, `index_ops`: the operations;
- `factories`: `arange` and `empty`.
"""

from flatviz.strided.args import MEMORY_FORMATS, MemoryFormat
from flatviz.strided.factories import arange, empty
from flatviz.strided.tensor import Storage, Strided

__all__ = ["MEMORY_FORMATS", "MemoryFormat", "Storage", "Strided", "arange", "empty"]
