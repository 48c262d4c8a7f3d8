"""Benchmark for flatviz.doctor: its time on a 50-layer CNN against a plain meta forward.

Run: ``.venv/bin/python benchmarks/bench_doctor.py`` (about a minute). The doctor
runs the model twice on meta (two batch sizes) with a hook per layer and a record per
torch call; the baseline is one forward of the same meta model with no hooks. The two run
interleaved in one process and medians are compared, so the ratio holds on any machine.
A second part measures the peak RSS of diagnosing a model of over 10**9 parameters built
on meta, in a fresh process. A third times `flatviz doctor -h` and a usage error, each a
fresh process, against `python -c pass`: the command parses its arguments before it
imports torch. Results: benchmarks/README.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import torch
from timing import interleaved
from torch import nn

import flatviz

CONV_LAYERS = 49  # and one Linear: 50 layers with weights


def cnn() -> nn.Sequential:
    """49 conv-batchnorm-relu blocks (stride 2 every 12), global pooling, flatten, Linear."""
    layers: list[nn.Module] = [nn.Conv2d(3, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU()]
    channels = 32
    for i in range(1, CONV_LAYERS):
        stride = 2 if i % 12 == 0 else 1
        out = channels * stride
        layers += [nn.Conv2d(channels, out, 3, stride, 1), nn.BatchNorm2d(out), nn.ReLU()]
        channels = out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 10)]
    return nn.Sequential(*layers)


# Peak RSS is read from VmHWM, this process's own high-water mark: ru_maxrss would also
# count the parent's memory, which Linux carries into a child started with vfork + exec.
_BIG = """
import json, re, sys, time, torch
from torch import nn
import flatviz
def hwm_kb():
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
before = hwm_kb()
with torch.device("meta"):
    model = nn.Sequential(nn.Linear(32768, 32768), nn.ReLU(), nn.Linear(32768, 10))
start = time.perf_counter()
report = flatviz.doctor(model, torch.empty(64, 32768, device="meta"))
seconds = time.perf_counter() - start
peak = hwm_kb()
json.dump({"params": sum(p.numel() for p in model.parameters()), "ok": report.ok,
           "seconds": seconds, "peak_mb": peak / 1024, "import_mb": before / 1024}, sys.stdout)
"""


#: As installed: pip writes bytecode, so the runs may too (some shells turn it off).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def command_help() -> None:
    """`flatviz doctor -h` and a usage error against `python -c pass`, fresh processes in
    turn, 30 rounds; medians. Goal: at most 6x."""
    script = str(Path(sys.executable).with_name("flatviz"))
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "flatviz doctor -h": [script, "doctor", "-h"],
        "flatviz doctor net.py:Net (no --input)": [script, "doctor", "net.py:Net"],
    }

    def once(argv: list[str]) -> object:
        return subprocess.run(argv, capture_output=True, env=ENV, check=False)

    got = interleaved({name: (lambda a=argv: once(a)) for name, argv in cases.items()}, 30)
    base = got["python -c pass"]
    for name, seconds in got.items():
        print(f"{name}: {seconds * 1e3:.1f} ms, {seconds / base:.2f}x python -c pass")


def main() -> None:
    with torch.device("meta"):
        model = cnn()
    x = torch.empty(8, 3, 32, 32, device="meta")
    layers = sum(isinstance(m, (nn.Conv2d, nn.Linear)) for m in model.modules())
    report = flatviz.doctor(model, x)
    assert report.ok and not report.findings, report

    def plain() -> object:
        with torch.no_grad():
            return model(x)

    def doctor() -> object:
        return flatviz.doctor(model, x)

    got = interleaved({"plain": plain, "doctor": doctor}, rounds=30)
    ratio = got["doctor"] / got["plain"]
    print(
        f"{layers}-layer CNN ({len(report.rows)} rows): doctor {got['doctor'] * 1e3:.1f} ms, "
        f"plain meta forward {got['plain'] * 1e3:.1f} ms: {ratio:.2f}x (goal <= 5x)"
    )
    run = subprocess.run([sys.executable, "-c", _BIG], capture_output=True, text=True, check=True)
    big = json.loads(run.stdout)
    print(
        f"meta model of {big['params']:,} parameters: ok={big['ok']}, "
        f"{big['seconds'] * 1e3:.0f} ms, peak RSS {big['peak_mb']:.0f} MB "
        f"({big['import_mb']:.0f} MB of it before the model: python, torch, flatviz)"
    )
    command_help()


if __name__ == "__main__":
    main()
