"""What a copying flatten costs on a GPU, against the copies and views around it.

Run: ``.venv/bin/python benchmarks/bench_gpu_copy.py [OUT.json]`` on a machine with a CUDA
GPU (a few minutes); without one it says so and exits 0 without writing anything. For
channels_last activations from 16 KiB to 1 GiB, in float32 and bfloat16, it times with
CUDA events (median of 50 to 200 single calls after 3 warm-ups, all after 10 s of
warm-up work so that clocks have ramped up):

- ``flatten_copy``: ``x.flatten(1)`` on the channels_last tensor (a permuted copy);
- ``clone_cl`` / ``clone_contig``: ``clone()`` of the channels_last / a contiguous tensor;
- ``copy_into``: ``copy_`` of the channels_last tensor into an existing contiguous one;
- ``flatten_view``: ``flatten(1)`` of the contiguous tensor (a view: no kernel, so this
  is the per-call cost of the op and the event pair);
- ``permute_flatten_view``: ``x.permute(0, 2, 3, 1).flatten(1)``, the view that reads
  channels_last memory in its own order.

Bandwidth counts one read and one write of every byte. The page that shows these numbers
(docs/notebooks/copy-cost.py) reads the JSON this writes, by default
``benchmarks/results/gpu-copy-cost.json``, with the GPU, versions and date beside them.
"""

from __future__ import annotations

import datetime
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

OUT = Path(__file__).parent / "results" / "gpu-copy-cost.json"
# (channels, height = width) of typical CNN activations, at batch sizes 1 to 256.
LAYERS = ((64, 8), (256, 7), (512, 14), (2048, 7), (2048, 14), (1024, 32), (2048, 32))
BATCHES = (1, 8, 64, 256)
SMALLEST, LARGEST = 16 * 1024, 2**30
METHOD = (
    "CUDA events around one call, median of 50-200 runs after 3 warm-ups, "
    "all after 10 s of warm-up work; GB/s = 2 x bytes / time"
)


def timed(fn: Callable[[], object], reps: int) -> tuple[float, float]:
    """Median and minimum microseconds of one call of ``fn``, each between two CUDA events."""
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) * 1e3)
    return statistics.median(times), min(times)


def gbps(nbytes: int, micros: float) -> float:
    """Bandwidth of a copy that reads and writes ``nbytes`` in ``micros`` microseconds."""
    return round(2 * nbytes / (micros * 1e3), 1)


def measure(n: int, c: int, hw: int, dtype: torch.dtype) -> dict[str, object]:
    """One row: every timed call on an (n, c, hw, hw) channels_last tensor of ``dtype``."""
    x = torch.randn(n, c, hw, hw, device="cuda").to(dtype)
    x = x.contiguous(memory_format=torch.channels_last)
    contiguous = x.contiguous()
    into = torch.empty(n, c, hw, hw, device="cuda", dtype=dtype)
    nbytes = x.numel() * x.element_size()
    # The premise of every row, checked on the device: which calls copy and which do not.
    assert x.flatten(1).data_ptr() != x.data_ptr()
    assert contiguous.flatten(1).data_ptr() == contiguous.data_ptr()
    assert x.permute(0, 2, 3, 1).flatten(1).data_ptr() == x.data_ptr()
    calls: dict[str, Callable[[], object]] = {
        "flatten_copy": lambda: x.flatten(1),
        "clone_cl": x.clone,
        "clone_contig": contiguous.clone,
        "copy_into": lambda: into.copy_(x),
        "flatten_view": lambda: contiguous.flatten(1),
        "permute_flatten_view": lambda: x.permute(0, 2, 3, 1).flatten(1),
    }
    reps = 200 if nbytes < 2**24 else 50
    row: dict[str, object] = {
        "dtype": str(dtype).removeprefix("torch."),
        "shape": [n, c, hw, hw],
        "bytes": nbytes,
    }
    for name, fn in calls.items():
        median, low = timed(fn, reps)
        row[f"{name}_us"] = round(median, 2)
        row[f"{name}_min_us"] = round(low, 2)
    for name in ("flatten_copy", "clone_contig", "copy_into"):
        row[f"{name}_GBps"] = gbps(nbytes, float(row[f"{name}_us"]))  # type: ignore[arg-type]
    return row


def warm_up(seconds: float = 10.0) -> None:
    """Keep the host and the GPU busy first, with large copies and many small launches, so
    the first rows do not pay for clocks still ramping up (a first try without this had
    launch costs of 14 us early in the run and 9 us late in it)."""
    big = torch.empty(2**28, device="cuda")
    small = torch.empty(1024, device="cuda")
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        big.clone()
        for _ in range(100):
            small.clone()
        torch.cuda.synchronize()


def main(out: Path) -> int:
    """Measure every case and write the JSON; exit 0 with a note where there is no GPU."""
    if not torch.cuda.is_available():
        print("bench_gpu_copy: no CUDA GPU here; nothing measured, nothing written")
        return 0
    warm_up()
    rows = []
    for dtype in (torch.float32, torch.bfloat16):
        size = torch.tensor([], dtype=dtype).element_size()
        for c, hw in LAYERS:
            for n in BATCHES:
                if not SMALLEST <= n * c * hw * hw * size <= LARGEST:
                    continue
                row = measure(n, c, hw, dtype)
                rows.append(row)
                print(row["dtype"], row["shape"], row["flatten_copy_us"], row["clone_contig_us"])
                torch.cuda.empty_cache()
    meta = {
        "gpu": torch.cuda.get_device_name(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "date": datetime.date.today().isoformat(),
        "script": "benchmarks/bench_gpu_copy.py",
        "method": METHOD,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")
    print(meta)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
