"""The core: one home for each idea every other part of flatviz reads.

- `flatviz.core.layout`: a strided memory layout (shape, strides, storage offset) and
  the address of an element.
- `flatviz.core.rule`: the flatten rule: `compute_stride`, the merge test of a pair of
  dims, the sentence that explains a blocking pair, and `-1` inference.
- `flatviz.core.text`: tuples, first lines of errors, wrapping and keep-the-edges elision.
- `flatviz.core.cells`: what a cell of a diagram shows, and how a value is written there.
- `flatviz.core.source`: what a picture reads from an array (layout, values, storage size).

It imports only the standard library (an import-linter contract checks it), so it runs
anywhere, the browser included, and can be read and tested on its own.
"""
