# %% [markdown]
# # What a copy costs
#
# `torch.flatten` returns a view when the strides allow it and a copy when they do not
# ([View or copy?](../../view-or-copy/)). A view costs the same at any size: a new shape
# and stride over the same memory. A copy reads every byte and writes it again. This
# notebook times both on the CPU, from 1 KiB to 256 MiB, next to two straight copies of
# the same bytes: `clone()`, which makes a new tensor, and `copy_`, which writes into a
# tensor that already exists. On large tensors `copy_` is the faster of the two, because a
# new tensor's memory comes from the operating system as fresh pages, zeroed on first
# touch. Then it shows the same kind of copy measured on a GPU, where a flatten that
# copies reaches only a fraction of a clone's speed.
#
# The CPU timings are measured when the page is built, so their numbers change from run
# to run and machine to machine; the shape of the curves is what to read.

# %%
import json
import resource
import statistics
import time
from pathlib import Path

import matplotlib
import numpy as np
import torch
from matplotlib.figure import Figure

import doctools
import flatviz
from doctools.figures import DATA, MUTED, SITE_RC, InlineFigure

# One thread: on a shared 2-core machine, two threads make the
# timings jump around.
torch.set_num_threads(1)

# Figures are inline SVG with real text, in ink that follows the page's light or dark theme.
matplotlib.rcParams.update(SITE_RC)

# %% [markdown]
# ## The tensors
#
# Each size is a batch of feature maps of shape `(n, 16, 4, 4)` in float32: 1 KiB per
# image (1 KiB = 1024 bytes), `n` from 1 to 262144. Speeds are in decimal GB/s (10^9
# bytes per second), as hardware specifications state them. Four operations on it:
#
# - **view**: `x.flatten(1)`; `x` is contiguous, so nothing is copied.
# - **flatten copy**: `x.permute(0, 2, 3, 1).flatten(1)`, the channels-last flatten; the
#   permuted strides cannot be merged, so torch copies.
# - **clone**: `x.clone()`, a straight copy of contiguous memory into a new tensor.
# - **copy_**: `out.copy_(x)`, the same straight copy into a tensor that already exists.
#
# flatviz says which is which, and the storage pointers agree.

# %%
x = torch.ones(2, 16, 4, 4)
cases = {"view": x, "flatten copy": x.permute(0, 2, 3, 1)}
for label, source in cases.items():
    plan = flatviz.explain(source, start_dim=1)
    y = source.flatten(1)
    shared = y.data_ptr() == x.data_ptr()
    verdict = "view" if plan.is_view else "copy"
    print(f"{label:12}  flatviz: {verdict}  shares memory: {shared}")

# %% [markdown]
# ## Timing
#
# `time.perf_counter` around a loop of calls. Small operations are repeated until a
# sample takes about 5 ms; each size is sampled 5 times and we keep the median. A copy
# moves each byte twice (read and write), so its speed is `2 x bytes / time`.


# %%
def median_time(fn, *args, repeats=5, sample=0.005):
    fn(*args)  # warm up
    start = time.perf_counter()
    fn(*args)
    once = time.perf_counter() - start
    number = max(1, int(sample / max(once, 1e-7)))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn(*args)
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


OPS = {
    "view": lambda x, out: x.flatten(1),
    "flatten copy": lambda x, out: x.permute(0, 2, 3, 1).flatten(1),
    "clone": lambda x, out: x.clone(),
    "copy_": lambda x, out: out.copy_(x),
}
sizes = [2**p for p in range(10, 29, 2)]  # 1 KiB .. 256 MiB
times = {name: np.zeros(len(sizes)) for name in OPS}
for i, nbytes in enumerate(sizes):
    x = torch.ones(nbytes // 1024, 16, 4, 4)
    out = torch.zeros_like(x)
    assert x.numel() * x.element_size() == nbytes
    for name, op in OPS.items():
        times[name][i] = median_time(op, x, out)
    del x, out  # free the big tensors before the next size


def human(nbytes):
    for unit in ["B", "KiB", "MiB", "GiB"]:
        if nbytes < 1024:
            return f"{nbytes:g} {unit}"
        nbytes /= 1024
    return f"{nbytes:g} TiB"


def gbps(nbytes, seconds):
    return 2 * nbytes / seconds / 1e9


copies = ["flatten copy", "clone", "copy_"]
bandwidth = {name: gbps(np.array(sizes), times[name]) for name in copies}

print("Time per call (us)")
print(f"{'size':>6} {'view':>6}" + "".join(f"{c:>14}" for c in copies))
for i, nbytes in enumerate(sizes):
    row = "".join(f"{times[c][i] * 1e6:14.1f}" for c in copies)
    print(f"{human(nbytes):>6} {times['view'][i] * 1e6:6.2f}" + row)
print()
print("Copy speed, 2 x bytes / time (GB/s)")
print(f"{'size':>6}" + "".join(f"{c:>14}" for c in copies))
for i, nbytes in enumerate(sizes):
    row = "".join(f"{bandwidth[c][i]:14.1f}" for c in copies)
    print(f"{human(nbytes):>6}" + row)

# %% [markdown]
# The reference figures: the speed of each copy on the largest tensor (main memory, not
# cache), and the best speed `clone()` reached at any size (where the data still fits in
# the CPU caches).

# %%
largest = human(sizes[-1])
for name in copies:
    print(f"{name} bandwidth at {largest}: {bandwidth[name][-1]:.1f} GB/s")
best = int(np.argmax(bandwidth["clone"]))
best_bw = bandwidth["clone"][best]
print(f"clone bandwidth, best ({human(sizes[best])}): {best_bw:.1f} GB/s")
view_us = np.median(times["view"]) * 1e6
print(f"view, any size: about {view_us:.1f} us")

# %%
# 566 px wide: the notebook's output column beside the Out[n] prompt, so nothing shrinks.
fig = Figure(figsize=(5.9, 6.2), layout="constrained")
axes = fig.subplots(2, 1)
ax_t, ax_bw = axes
styles = {
    "view": (DATA[2], "o", "-"),
    "flatten copy": (DATA[1], "s", "-"),
    "clone": (DATA[0], "^", "-"),
    "copy_": (DATA[4], "v", "--"),
}
for name, (colour, marker, line) in styles.items():
    style = {"marker": marker, "color": colour, "label": name}
    ax_t.loglog(sizes, times[name] * 1e6, line, **style)
    if name in bandwidth:
        ax_bw.semilogx(sizes, bandwidth[name], line, **style)
ticks = sizes[::2]
# Plain numbers on the time axis (mathtext's 10^k superscripts would be too small to read).
ax_t.yaxis.set_major_formatter(lambda value, _: f"{value:g}")
for ax in axes:
    ax.set_xticks(ticks, [human(b) for b in ticks])
    ax.minorticks_off()
    ax.grid(True)
    ax.set_xlabel("tensor size")
    ax.legend()
ax_t.set(ylabel="time per call (us)", title="A view is flat, a copy grows")
ax_bw.set(ylabel="2 x bytes / time (GB/s)", title="Copy speed")
ax_bw.set_ylim(bottom=0)
InlineFigure(
    fig,
    "Time per call and copy speed against tensor size, 1 KB to 256 MB, log scales:"
    " the view's time stays flat while the copies' time grows with size",
)

# %% [markdown]
# ## Reading the curves
#
# - The **view** costs about a microsecond at every size: Python and torch's dispatcher,
#   no data.
# - Below some tens of KiB a copy costs a few microseconds, mostly the same overhead plus
#   allocating the new tensor. The bytes start to matter above that.
# - In the middle sizes the data sits in the CPU caches and the straight copies run
#   fastest. There the flatten copy is clearly slower than `clone()`: it reads memory in
#   permuted order, in short strided runs, instead of one straight stream.
# - At 64 MiB and above every byte comes from and goes to main memory. A new tensor of that
#   size also gets fresh pages from the operating system, which are zeroed and mapped on
#   first touch (counted below): that is why `clone()` falls below `copy_` into an
#   existing tensor. A flatten that copies always makes a new tensor, so it pays this
#   too, on top of its permuted reads.
#
# At 256 MiB one copy takes more than ten thousand times as long as the view, which still
# costs the same microsecond as at 1 KiB.
#
# The fresh pages can be counted, without a clock. The first touch of a page is a "page
# fault", in which the operating system maps the page and zeroes it, and
# `resource.getrusage` reads how many a process has had. A new 64 MiB tensor is 16384
# pages of 4 KiB (fewer where the system uses huge pages); `copy_` writes into pages that
# already exist.


# %%
def page_faults(fn, *args):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    fn(*args)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


x = torch.ones(64 * 1024, 16, 4, 4)  # 64 MiB
out = torch.zeros_like(x)
print(f"{human(x.numel() * x.element_size())}:")
for name, op in OPS.items():
    print(f"{name:>12} {page_faults(op, x, out):6} page faults")
del x, out

# %% [markdown]
# ## On a GPU, measured
#
# The machine that builds this page has no GPU, so these numbers are not measured at
# build time. They were recorded on a data-centre GPU by `benchmarks/bench_gpu_copy.py`,
# which writes `benchmarks/results/gpu-copy-cost.json` in the repository; this page reads
# that file, and the GPU, versions and date below come from it. Run the script on your
# own GPU to get your numbers.
#
# Each row of the record is one `channels_last` activation `(n, c, h, w)`, in float32
# and bfloat16. `channels_last` is the memory format that speeds up convolutions on
# recent GPUs, so on a GPU the flatten that copies is most often `nn.Flatten()` on such an
# activation: it reads memory stored as `(n, h, w, c)` in `(c, h, w)` order. The record
# times one call of each of these, with CUDA events (the median of many calls):
#
# - **view**: `flatten(1)` of a contiguous tensor; no kernel runs.
# - **flatten copy**: `flatten(1)` of the `channels_last` tensor, a permuted copy.
# - **clone**: `clone()` of a contiguous tensor of the same size, a straight copy.
# - **copy_**: `copy_` of the `channels_last` tensor into an existing contiguous one: the
#   same permuted copy as the flatten, without making a new tensor.

# %%
# The recorded run, kept in the repository next to the script that made it.
RECORD = Path(doctools.__file__).parents[1] / "benchmarks/results/gpu-copy-cost.json"
record = json.loads(RECORD.read_text())
meta, rows = record["meta"], record["rows"]
print(f"{meta['gpu']}, torch {meta['torch']}, CUDA {meta['cuda']}, measured {meta['date']}")
print(f"by {meta['script']}: {meta['method']}")
dtypes = sorted({row["dtype"] for row in rows}, reverse=True)
span = f"{human(min(r['bytes'] for r in rows))} to {human(max(r['bytes'] for r in rows))}"
print(f"{len(rows)} channels_last tensors, {span}, in {' and '.join(dtypes)}")

# %% [markdown]
# First the small tensors, then the largest of each type. A clone moves each byte twice
# (read and write), so its speed is `2 x bytes / time`, as on the CPU; the flatten copy
# moves the same bytes.

# %%
GPU_OPS = {
    "view": "flatten_view",
    "flatten copy": "flatten_copy",
    "clone": "clone_contig",
    "copy_": "copy_into",
}


def micros(row, op):
    return row[f"{GPU_OPS[op]}_us"]


small = [row for row in rows if row["bytes"] < 4e6]
print(f"Below 4 MB ({len(small)} tensors), time per call: median (range)")
for op in ["view", "flatten copy", "clone"]:
    t = [micros(row, op) for row in small]
    print(f"  {op:13} {np.median(t):6.1f} us ({min(t):.1f} to {max(t):.1f})")
print()
for dtype in dtypes:
    row = max((r for r in rows if r["dtype"] == dtype), key=lambda r: r["bytes"])
    copy, clone = micros(row, "flatten copy"), micros(row, "clone")
    copy_bw, clone_bw = (gbps(row["bytes"], t * 1e-6) / 1e3 for t in (copy, clone))
    print(f"{dtype} {tuple(row['shape'])}, {human(row['bytes'])}:")
    print(f"  flatten copy {copy:.1f} us, clone {clone:.1f} us: {copy / clone:.1f}x the time")
    share = f"{clone / copy:.0%} of the clone's"
    print(f"  speed {copy_bw:.2f} TB/s against {clone_bw:.2f} TB/s: {share}")
    print(f"  copy_ into an existing tensor: {micros(row, 'copy_'):.1f} us")

# %%
# 566 px wide, like the figure above.
fig = Figure(figsize=(5.9, 6.2), layout="constrained")
ax_t, ax_share = fig.subplots(2, 1)
markers = {"view": (DATA[2], "o"), "flatten copy": (DATA[1], "s"), "clone": (DATA[0], "^")}
float32 = [row for row in rows if row["dtype"] == "float32"]
for op, (colour, marker) in markers.items():
    ax_t.loglog(
        [row["bytes"] for row in float32],
        [micros(row, op) for row in float32],
        marker,
        color=colour,
        label=op,
    )
for dtype, (colour, marker) in {"float32": (DATA[1], "s"), "bfloat16": (DATA[3], "D")}.items():
    of_type = [row for row in rows if row["dtype"] == dtype]
    ax_share.semilogx(
        [row["bytes"] for row in of_type],
        [100 * micros(row, "clone") / micros(row, "flatten copy") for row in of_type],
        marker,
        color=colour,
        label=dtype,
    )
ax_share.axhline(100, color=MUTED, lw=0.8)  # as fast as a clone
ticks = [2**p for p in range(14, 31, 4)]  # 16 KiB .. 1 GiB
ax_t.yaxis.set_major_formatter(lambda value, _: f"{value:g}")
for ax in (ax_t, ax_share):
    ax.set_xticks(ticks, [human(b) for b in ticks])
    ax.minorticks_off()
    ax.grid(True)
    ax.set_xlabel("tensor size")
    ax.legend()
ax_t.set(ylabel="time per call (us)", title=f"{meta['gpu']}, float32")
ax_share.set(ylabel="% of a clone's speed", title="Speed of the flatten copy")
ax_t.set_ylim(bottom=10)
ax_share.set_ylim(0, 110)
InlineFigure(
    fig,
    f"Measured on an {meta['gpu']}: time per call of a view, a flatten copy and a clone"
    " against tensor size, and the flatten copy's speed as a share of a clone's, in"
    " float32 and bfloat16: about the same below a few MB, a small fraction at 1 GiB",
)

# %% [markdown]
# ## Reading the GPU numbers
#
# - Below a few MB the size does not matter: each kind of call costs about the same at
#   every size, the time it takes to launch work from Python. A view launches no kernel;
#   a copy launches one and allocates its output, which costs more. That floor belongs
#   to the host, not the GPU, and it moved between runs on the same day while the large
#   copies did not (`benchmarks/README.md`): read it as launch cost.
# - Above that the copies grow with their bytes, and the permuted one falls behind. A
#   clone streams memory in order, the fastest way to copy it. The flatten copy of a
#   `channels_last` tensor reads or writes with a stride of `c` elements, and reaches only
#   a fraction of a clone's speed, the smaller the larger the tensor (the lower plot).
# - bfloat16 fares worse because the permuted copy costs about the same time per
#   *element* in both types (next cell), and a bfloat16 element carries half the bytes.
# - `copy_` into an existing tensor takes as long as the flatten. On the GPU the time goes
#   into the permuted reads and writes, not into making a new tensor: torch keeps freed
#   GPU memory in a cache and hands it out again, without the fresh, zeroed pages that
#   slow a new tensor down on the CPU.

# %%
for dtype in dtypes:
    row = max((r for r in rows if r["dtype"] == dtype), key=lambda r: r["bytes"])
    numel = int(np.prod(row["shape"]))
    per_element = micros(row, "flatten copy") * 1e6 / numel
    print(f"{dtype:8} {numel:>13,} elements: flatten copy {per_element:.2f} ps per element")

# %% [markdown]
# A real case: the features before a classifier head, batch 256 with 2048 channels of
# 7x7 in float32, stored `channels_last`, take 256 x 2048 x 49 x 4 = 102,760,448 bytes
# (98 MiB). Flattening them in NCHW order copies, in every forward pass. The record holds
# this very tensor:

# %%
head = torch.empty(256, 2048, 7, 7, device="meta")
head = head.contiguous(memory_format=torch.channels_last)
print("flatten(1) is a view:", flatviz.explain(head, start_dim=1).is_view)
nbytes = head.numel() * head.element_size()
print(f"{nbytes:,} bytes = {human(nbytes)}")
row = next(r for r in rows if r["shape"] == list(head.shape) and r["dtype"] == "float32")
for op in GPU_OPS:
    print(f"{op:13} {micros(row, op):7.1f} us")
print(f"x.permute(0, 2, 3, 1).flatten(1): {row['permute_flatten_view_us']:.1f} us, a view")
pooled = head.mean(dim=(2, 3), keepdim=True)
print("after global pooling, flatten(1) is a view:", flatviz.explain(pooled, 1).is_view)

# %% [markdown]
# Not free, and avoidable. Flatten in the order the memory already has:
# `x.permute(0, 2, 3, 1).flatten(1)` is a view of a `channels_last` tensor, with no kernel
# at all, and the `Linear` after it then takes its inputs in `(h, w, c)` order. Or pool
# first: after global pooling the grid is 1x1, and the same flatten is a view.
