"""Benchmarks for the diagram: flatviz.svg against a bare-matplotlib floor, cost versus size.

Run: ``.venv/bin/python benchmarks/bench_draw.py`` (about a minute). Each comparison runs
its cases interleaved in one process (or, for memory, one fresh process per case) and
reports ratios, so the numbers hold on any machine. Results: benchmarks/README.md.
"""

from __future__ import annotations

import json
import subprocess
import sys

import torch
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from timing import interleaved

import flatviz
from flatviz.files import render_bytes

CELLS = 72  # input 24 + storage 24 + result 24 for the (2, 3, 4) transpose case
TRANSPOSE = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)


def floor_svg() -> bytes:
    """The least matplotlib must do for the same picture: 72 labelled cells in one Figure."""
    fig = Figure(figsize=(8.6, 6.6))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, 24)
    ax.set_ylim(8, 0)
    boxes = [Rectangle((i % 24, 2 * (i // 24)), 1, 1) for i in range(CELLS)]
    ax.add_collection(PatchCollection(boxes, facecolors="#21918c", edgecolors="white"))
    for i in range(CELLS):
        ax.text(i % 24 + 0.5, 2 * (i // 24) + 0.5, str(i), ha="center", va="center", fontsize=7.5)
    return render_bytes(fig, "svg")


def flatviz_svg() -> str:
    """The pure-Python SVG of the same case: the whole diagram, from the tensor."""
    return flatviz.svg(TRANSPOSE, start_dim=1)


def flatviz_draw_png() -> bytes:
    """The matplotlib painter on the same scene, for PNG (context, no goal)."""
    return render_bytes(flatviz.draw(TRANSPOSE, start_dim=1), "png")


SIZE_CASES = {
    "(32, 3, 28, 28)": "torch.arange(32 * 3 * 28 * 28).reshape(32, 3, 28, 28)",
    "(32, 3, 224, 224)": "torch.arange(32 * 3 * 224 * 224).reshape(32, 3, 224, 224)",
    "meta (1024, 3, 1024, 1024)": "torch.empty(1024, 3, 1024, 1024, device='meta')",
}

# Peak RSS is read from VmHWM, this process's own high-water mark: ru_maxrss would also
# count the parent's memory, which Linux carries into a child started with vfork + exec.
_CHILD = """
import json, re, statistics, sys, time, torch, flatviz
def hwm_kb():
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
flatviz.svg(torch.arange(24).reshape(2, 3, 4))  # warm up
x = {make}
before = hwm_kb()  # the tensor and the library
times = []
for _ in range(30):
    t = time.perf_counter()
    flatviz.svg(x, start_dim=1)
    times.append(time.perf_counter() - t)
peak = hwm_kb()
json.dump({{"seconds": statistics.median(times), "extra_mb": (peak - before) / 1024,
           "tensor_mb": x.numel() * x.element_size() / 2**20 if x.device.type != "meta" else 0}},
          sys.stdout)
"""


def size_case(make: str) -> dict[str, float]:
    """Time and peak memory of flatviz.svg for one tensor, in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD.format(make=make)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def main() -> None:
    t = interleaved(
        {"floor": floor_svg, "flatviz": flatviz_svg, "draw png": flatviz_draw_png}, rounds=30
    )
    print(
        f"72 cells to SVG: flatviz.svg {t['flatviz'] * 1e3:.2f} ms, bare matplotlib floor "
        f"{t['floor'] * 1e3:.1f} ms: {t['floor'] / t['flatviz']:.1f}x faster (goal >= 50x); "
        f"flatviz.draw + PNG {t['draw png'] * 1e3:.1f} ms"
    )
    results = {name: size_case(make) for name, make in SIZE_CASES.items()}
    first = next(iter(results.values()))["seconds"]
    for name, r in results.items():
        print(
            f"{name}: {r['seconds'] * 1e3:.2f} ms ({r['seconds'] / first:.2f}x the first, "
            f"goal <= 1.5), peak memory {r['extra_mb']:.1f} MB beyond the "
            f"{r['tensor_mb']:.0f} MB tensor (goal <= 100)"
        )


if __name__ == "__main__":
    main()
