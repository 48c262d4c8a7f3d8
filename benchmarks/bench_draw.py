"""Benchmarks for the diagram: flatviz.draw and flatviz.svg against a bare-matplotlib floor
that draws the same primitives, and cost versus size.

Run: ``.venv/bin/python benchmarks/bench_draw.py`` (about two minutes). Each comparison
runs its cases interleaved in one process (or, for memory, one fresh process per case)
and reports ratios, so the numbers hold on any machine. Results: benchmarks/README.md.
"""

from __future__ import annotations

import json
import subprocess
import sys

import torch
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Rectangle
from timing import interleaved

import flatviz
from flatviz.files import render_bytes
from flatviz.scene import Scene

TRANSPOSE = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
#: The scene flatviz.draw paints for the case (the desktop placement), as the floor's data.
SCENE: Scene = flatviz.diagram(TRANSPOSE, 1)


def counts(scene: Scene) -> dict[str, int]:
    """How many of each primitive the scene draws (box labels are texts too)."""
    labels = sum(1 for b in scene.boxes if b.label)
    return {
        "boxes": len(scene.boxes),
        "texts": len(scene.texts) + labels,
        "dots": len(scene.dots),
        "lines": len(scene.lines),
    }


def floor_figure(scene: Scene = SCENE) -> Figure:
    """The least matplotlib does for the same picture: one Figure of the same size, every
    box in one PatchCollection, every text (the same strings, the same places and sizes)
    by ax.text, the dots in one collection, the lines in one LineCollection."""
    fig = Figure(figsize=(scene.width / 72, scene.height / 72))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, scene.width)
    ax.set_ylim(scene.height, 0)
    boxes = [Rectangle((b.x, b.y), b.w, b.h) for b in scene.boxes]
    ax.add_collection(PatchCollection(boxes, facecolors="#21918c", edgecolors="white"))
    for t in scene.texts:
        ax.text(t.x, t.y, t.text, fontsize=13)
    for b in scene.boxes:
        if b.label:
            ax.text(b.x + b.w / 2, b.y + b.h / 2, b.label, fontsize=13, ha="center")
    ax.add_collection(PatchCollection([Circle((d.x, d.y), 4.5) for d in scene.dots]))
    ax.add_collection(LineCollection([line.points for line in scene.lines]))
    return fig


def floor_png() -> bytes:
    return render_bytes(floor_figure(), "png")


def floor_svg() -> bytes:
    return render_bytes(floor_figure(), "svg")


def flatviz_png() -> bytes:
    """flatviz.draw from the tensor, then PNG: what `flatviz EXPR -o x.png` does."""
    return render_bytes(flatviz.draw(TRANSPOSE, start_dim=1), "png")


def flatviz_svg() -> str:
    """The pure-Python SVG of the same case, from the tensor: both placements, the
    desktop's and the phone's."""
    return flatviz.svg(TRANSPOSE, start_dim=1)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its IHDR chunk."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


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
        {
            "floor png": floor_png,
            "draw png": flatviz_png,
            "floor svg": floor_svg,
            "svg": flatviz_svg,
        },
        rounds=30,
    )
    n = counts(SCENE)
    print(
        f"same primitives ({n['boxes']} boxes, {n['texts']} texts, {n['dots']} dots, "
        f"{n['lines']} lines): flatviz.draw + PNG {t['draw png'] * 1e3:.1f} ms, bare "
        f"matplotlib + PNG {t['floor png'] * 1e3:.1f} ms: {t['draw png'] / t['floor png']:.2f}x "
        f"(goal <= 1.5)"
    )
    print(
        f"flatviz.svg {t['svg'] * 1e3:.2f} ms: {t['floor svg'] / t['svg']:.1f}x faster than bare "
        f"matplotlib + SVG ({t['floor svg'] * 1e3:.1f} ms), {t['floor png'] / t['svg']:.1f}x "
        f"than + PNG (goal >= 50x)"
    )
    width, height = png_size(flatviz_png())
    tall = height / width
    print(f"3-d case as PNG: {width} x {height} px, {tall:.2f} as tall as wide (goal <= 1.5)")
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
