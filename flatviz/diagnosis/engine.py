"""The doctor's runs. One round runs the model at two batch sizes and diagnoses it; the
next round reruns it with the fixes found so far applied (on meta), to find what fails
next, until the model runs at both sizes with the batch in dim 0, or nothing more can be
fixed. When meta cannot run the model (code that reads values: `.item()`, an autocast
for the device), the rounds run on CPU at small batch sizes instead, if it fits."""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass

import torch
from torch import nn

from flatviz.core.text import first_line
from flatviz.diagnosis.batch import pair_runs, run
from flatviz.diagnosis.devices import no_meta_kernel
from flatviz.diagnosis.findings import Context, diagnose
from flatviz.diagnosis.inputs import Inputs
from flatviz.diagnosis.rules import Rule
from flatviz.diagnosis.trace import Trace

#: The most rounds: the model as given, then with each new set of fixes.
MAX_ROUNDS = 8
#: The largest batch a CPU run uses: small, so activations stay small.
CPU_BATCH = 2
#: Where /proc/meminfo is missing, the model must fit in this for a CPU run.
DEFAULT_MEMORY = 2 * 2**30


@dataclass(frozen=True)
class Round:
    """One diagnosis at two batch sizes, with the rules of the fixes found before it."""

    ctx: Context
    first: Trace
    second: Trace
    sizes: tuple[int, int]

    @property
    def clean(self) -> bool:
        """True when both runs ran and no error was found."""
        errors = any(f.severity == "error" for f in self.ctx.findings)
        return not errors and self.first.error is None and self.second.error is None


def sizes(batch: int, real: bool) -> tuple[int, int]:
    """The two batch sizes: the given one and twice it (2 for an empty batch); on CPU
    at most `CPU_BATCH` and twice that."""
    first = min(batch, CPU_BATCH) if real else batch
    return first, 2 * first if first else 2


def one_round(
    model: nn.Module,
    inputs: Inputs,
    device: torch.device,
    rules: list[Rule],
    *,
    unsqueeze: bool,
    real: bool,
) -> Round:
    """Run and diagnose the model at two batch sizes with `rules` applied."""
    batch, other = sizes(1 if unsqueeze else inputs.batch, real)
    first_in = inputs.at(batch, real=real, unsqueeze=unsqueeze)
    second_in = inputs.at(other, real=real, unsqueeze=unsqueeze)
    first = run(model, first_in.args, rules, first_in.kwargs, real=real)
    second = run(model, second_in.args, rules, second_in.kwargs, real=real)
    pairs = list(zip(first_in.tensors, second_in.tensors, strict=True))
    dims = pair_runs(first, second, batch, other, pairs)
    other_error = None if second.error is None else first_line(second.error)
    ctx = diagnose(model, first, dims, device, first_in.first, other_error)
    return Round(ctx, first, second, (batch, other))


def rounds(
    model: nn.Module, inputs: Inputs, device: torch.device, *, real: bool = False
) -> list[Round]:
    """The model as given, then rerun with every new fix, until clean or stuck."""
    rules: list[Rule] = []
    unsqueeze = False
    done: list[Round] = []
    for _ in range(MAX_ROUNDS):
        found = one_round(model, inputs, device, rules, unsqueeze=unsqueeze, real=real)
        done.append(found)
        known = {r.key for r in rules}
        new = list({r.key: r for r in found.ctx.rules if r.key not in known}.values())
        batch_it = found.ctx.unbatched and not unsqueeze
        if found.clean or not (new or batch_it):
            break
        rules += new
        unsqueeze = unsqueeze or batch_it
    return done


def unexplained(found: Round) -> bool:
    """True when a run failed and no check but `raises` (or a missing meta kernel)
    explains why: maybe meta's limit, not the model's bug."""
    errors = {f.kind for f in found.ctx.findings if f.severity == "error"}
    failed = found.first.error is not None or found.second.error is not None
    return failed and bool(errors) and errors <= UNEXPLAINED


#: The findings of a failure no check explains.
UNEXPLAINED = frozenset({"raises", "no-meta-kernel"})


def meta_limit(trace: Trace) -> bool:
    """True when the error looks like a limit of meta tensors rather than a bug: it says
    so (`.item()` on meta, data copied out of meta, a device mismatch with meta), or it
    comes from torch's own Python code outside any recorded op (an autocast for meta)."""
    err = trace.error
    if err is None:
        return False
    if "meta" in str(err).lower() or no_meta_kernel(err):
        return True
    tb = err.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    torch_dir = os.path.join(os.path.dirname(torch.__file__), "")
    inner = "" if tb is None else tb.tb_frame.f_code.co_filename
    return trace.failed is None and inner.startswith(torch_dir)


def memory_limit() -> int:
    """The bytes a model may take for a CPU run: a quarter of the available memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024 // 4
    except OSError:
        pass
    return DEFAULT_MEMORY


def model_bytes(model: nn.Module) -> int:
    """The bytes of the model's parameters and buffers."""
    tensors = [*model.parameters(), *model.buffers()]
    return sum(t.numel() * t.element_size() for t in tensors)


def on_cpu(model: nn.Module) -> nn.Module:
    """The model with real CPU weights: itself, or a copy of a meta model with values
    drawn in place of the weights it has not got (shapes do not depend on them)."""
    tensors = [*model.parameters(), *model.buffers()]
    if not any(t.device.type == "meta" for t in tensors):
        return model
    twin = copy.deepcopy(model).to_empty(device="cpu")
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for t in [*twin.parameters(), *twin.buffers()]:
            if t.dtype.is_floating_point:
                t.normal_(0, 0.02, generator=gen)
            else:
                t.zero_()
    return twin


def fallback_reason(model: nn.Module, inputs: Inputs, limit: int | None = None) -> str | None:
    """Why a CPU run cannot be made (None when it can): the model and inputs must fit in
    memory, and the model must not live on another device."""
    devices = {t.device.type for t in [*model.parameters(), *model.buffers()]} - {"cpu", "meta"}
    if devices:
        return f"its weights are on {', '.join(sorted(devices))}, not on CPU or meta"
    need = model_bytes(model) + inputs.nbytes()
    room = memory_limit() if limit is None else limit
    if need > room:
        return f"its weights take {need} bytes, more than the {room} a CPU run may use"
    return None
