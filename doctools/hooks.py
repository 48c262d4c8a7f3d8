"""mkdocs hooks (``hooks:`` in mkdocs.yml): make ``doctools`` importable by page code.

markdown-exec runs page code inside the mkdocs process, whose ``sys.path`` need not hold the
repository root; notebook kernels are child processes, so they get it through PYTHONPATH.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)

if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
_paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
if ROOT not in _paths:
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in [ROOT, *_paths] if p)
