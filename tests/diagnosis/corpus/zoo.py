"""Loading the model zoos for the corpus: definitions only, random weights, no network.

torchvision's wheel on PyPI is built against CUDA torch, so its compiled ops (`_C.so`)
cannot load beside torch's CPU wheel, and `import torchvision` then fails on its fake-op
registrations for `nms` and `qnms`. Declaring those two schemas first lets the pure-Python
model definitions import; no op of `torchvision.ops` that needs `_C` is used by the corpus.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from types import ModuleType

import torch

#: The ops torchvision registers fake kernels for at import, whatever `_C.so` did.
_FAKE_OPS = ("nms", "qnms")
_fragment: torch.library.Library | None = None


def torchvision() -> ModuleType:
    """`torchvision`, imported with its compiled ops when they load, else without them."""
    global _fragment
    if "torchvision" not in sys.modules and _fragment is None:
        spec = importlib.util.find_spec("torchvision")
        assert spec is not None and spec.origin is not None, "torchvision is not installed"
        try:
            torch.ops.load_library(os.path.join(os.path.dirname(spec.origin), "_C.so"))
        except OSError:
            _fragment = torch.library.Library("torchvision", "FRAGMENT")
            for op in _FAKE_OPS:
                _fragment.define(f"{op}(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    import torchvision as tv

    return tv
