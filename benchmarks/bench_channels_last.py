"""Benchmark: a channels_last feature map flattened with a copy or as a view, on the CPU.

Run: ``.venv/bin/python benchmarks/bench_channels_last.py`` (about half a minute). The
copying ``x.flatten(1)`` and the view ``x.permute(0, 2, 3, 1).flatten(1)`` run in turn,
alone and inside a training step of conv, ReLU, flatten, Linear (the Linear's columns
follow the flatten's order), so drift hits both alike; medians are compared. Torch runs
on one thread and the clock is that thread's CPU time, which other jobs on a shared
machine disturb far less than the wall clock. The results go to
benchmarks/results/channels_last_cpu.json, which the page docs/channels-last-linear.md
reads, so its bytes do not change from build to build.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
from timing import interleaved
from torch import nn

ROUNDS = 40
SHAPE = (32, 64, 16, 16)  # (N, C, H, W) of the feature map before the Linear
RESULTS = Path(__file__).with_name("results") / "channels_last_cpu.json"


class FlattenHWC(nn.Module):
    """Flatten (N, C, H, W) in (H, W, C) order: a view on channels_last memory."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(0, 2, 3, 1).flatten(1)


def model(flatten: nn.Module) -> nn.Module:
    """Conv (16 -> C), ReLU, the flatten under test, Linear(C*H*W, 10); channels_last."""
    _, c, h, w = SHAPE
    layers = nn.Sequential(
        nn.Conv2d(16, c, 3, padding=1), nn.ReLU(), flatten, nn.Linear(c * h * w, 10)
    )
    return layers.to(memory_format=torch.channels_last)


def training_step(net: nn.Module, batch: torch.Tensor) -> Callable[[], None]:
    """One forward and backward pass of net on batch, gradients freed first."""

    def step() -> None:
        net.zero_grad(set_to_none=True)
        net(batch).sum().backward()

    return step


def measure() -> dict[str, dict[str, float]]:
    """Median seconds of the copy and of the view, for each case."""
    torch.manual_seed(0)
    n, c, h, w = SHAPE
    fmap = torch.randn(n, c, h, w).contiguous(memory_format=torch.channels_last)
    batch = torch.randn(n, 16, h, w).contiguous(memory_format=torch.channels_last)
    pairs = {
        "the flatten alone": (
            lambda: fmap.flatten(1),
            lambda: fmap.permute(0, 2, 3, 1).flatten(1),
        ),
        "a training step: conv, ReLU, flatten, Linear": (
            training_step(model(nn.Flatten()), batch),
            training_step(model(FlattenHWC()), batch),
        ),
    }
    results = {}
    for name, (copy, view) in pairs.items():
        medians = interleaved({"copy": copy, "view": view}, ROUNDS, clock=time.thread_time)
        results[name] = {**medians, "ratio": medians["copy"] / medians["view"]}
    return results


def main() -> None:
    torch.set_num_threads(1)
    cases = measure()
    record = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} CPU cores, {platform.machine()}",
        "threads": torch.get_num_threads(),
        "clock": "CPU time of the one torch thread (time.thread_time)",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "shape": list(SHAPE),
        "rounds": ROUNDS,
        "cases": cases,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=1) + "\n")
    for name, case in cases.items():
        print(
            f"{name:<46} copy {case['copy'] * 1e6:9.1f} us  view {case['view'] * 1e6:9.1f} us"
            f"  {case['ratio']:7.2f}x"
        )
    print(f"written to {RESULTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
