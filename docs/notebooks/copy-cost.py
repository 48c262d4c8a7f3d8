# %% [markdown]
# # What a copy costs
#
# `torch.flatten` returns a view when the strides allow it and a copy when they do not
# ([View or copy?](../../view-or-copy/)). A view costs the same at any size: a new shape
# and stride over the same memory. A copy reads every byte and writes it again. This
# notebook times both on the CPU, from 1 KiB to 256 MiB, next to `clone()` of a contiguous
# tensor, the plain memory copy that sets the speed limit.
#
# Timings are measured when the page is built, so the numbers below change from run to
# run and machine to machine; the shape of the curves is what to read.

# %%
import statistics
import time

import matplotlib
import numpy as np
import torch
from matplotlib.figure import Figure

import flatviz
from doctools.figures import DATA, SITE_RC, InlineFigure

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
#   first touch: that is why `clone()` falls below `copy_` into an existing tensor. A
#   flatten that copies always makes a new tensor, so it pays this too, and the access
#   order matters less next to it.
#
# At 256 MiB one copy takes more than ten thousand times as long as the view, which still
# costs the same microsecond as at 1 KiB.

# %% [markdown]
# ## On a GPU (on paper)
#
# There is no GPU on this machine, so this part is arithmetic, not a measurement. A copy
# on a GPU is bound by memory bandwidth too: it costs about **2 x bytes / bandwidth**,
# plus a kernel launch of a few microseconds that dominates for small tensors. A view
# launches nothing. Bandwidth is what your card's specification says, in decimal GB/s,
# and it rises with every GPU generation, so the table spans a range rather than naming
# a card: a few hundred GB/s for a small card, several thousand for a data-centre GPU. A
# real copy reaches only part of the stated peak, so these times are lower bounds.

# %%
BANDWIDTHS = [300, 1000, 3000]  # GB/s, decimal
print(f"{'size':>8}" + "".join(f"{f'at {bw} GB/s':>15}" for bw in BANDWIDTHS))
for nbytes in [2**20, 2**24, 2**28]:
    costs = [2 * nbytes / (bw * 1e9) * 1e6 for bw in BANDWIDTHS]
    print(f"{human(nbytes):>8}" + "".join(f"{c:12.1f} us" for c in costs))

# %% [markdown]
# A real case: the features before a classifier head, batch 256 with 2048 channels of
# 7x7 in float32, stored channels-last, take 256 x 2048 x 49 x 4 = 102,760,448 bytes:
# 98 MiB, which is 102.8 MB in the decimal units of a bandwidth. Flattening them in NCHW
# order copies, in every forward pass: 2 x 102.8 MB at 300, 1000 and 3000 GB/s is 0.69,
# 0.21 and 0.07 ms. Not free, and avoidable: flatten in the order the memory already has,
# or pool first (after global pooling the grid is 1x1, and the same flatten is a view).

# %%
head = torch.empty(256, 2048, 7, 7, device="meta")
head = head.contiguous(memory_format=torch.channels_last)
print("flatten(1) is a view:", flatviz.explain(head, start_dim=1).is_view)
nbytes = head.numel() * head.element_size()
print(f"{nbytes:,} bytes = {human(nbytes)} = {nbytes / 1e6:.1f} MB")
for bw in BANDWIDTHS:
    print(f"copy at {bw} GB/s: {2 * nbytes / (bw * 1e9) * 1e3:.2f} ms")
pooled = head.mean(dim=(2, 3), keepdim=True)
print("after global pooling, flatten(1) is a view:", flatviz.explain(pooled, 1).is_view)
