"""Sound models stay clean and untouched, bad arguments are refused, and ops without a
meta kernel, logits flattened for a loss and statistics over the batch are warnings."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import textwrap

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import flatviz
from flatviz.diagnosis import engine
from tests.helpers.doctor import at_line, lenet

# controls -----------------------------------------------------------------------------


class Block(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = (
            nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
            if stride != 1 or cin != cout
            else nn.Identity()
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.down(x))


class ResNetLike(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1), nn.BatchNorm2d(16), nn.ReLU())
        self.layers = nn.Sequential(Block(16, 16, 1), Block(16, 32, 2), Block(32, 64, 2))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(self.pool(self.layers(self.stem(x))), 1))


def test_a_resnet_like_cnn_is_clean_and_left_unchanged() -> None:
    model = ResNetLike()
    before = copy.deepcopy(model.state_dict())
    params = {n: p for n, p in model.named_parameters()}
    report = flatviz.doctor(model, torch.randn(8, 3, 32, 32))
    assert report.ok and not report.findings, str(report)
    assert model.training
    assert {n: p for n, p in model.named_parameters()} == params  # the same objects
    after = model.state_dict()
    assert after.keys() == before.keys()
    assert all(torch.equal(after[k], before[k]) for k in before)  # running stats too
    assert all(p.device.type == "cpu" and p.grad is None for p in model.parameters())
    assert model(torch.randn(8, 3, 32, 32)).shape == (8, 10)


def test_eval_mode_and_devices_survive_a_failing_model() -> None:
    model = lenet(nn.Flatten(start_dim=0)).eval()
    weight = model[7].weight
    flatviz.doctor(model, torch.randn(8, 3, 32, 32))
    assert not any(m.training for m in model.modules())
    assert model[7].weight is weight and weight.device.type == "cpu"


def test_a_model_with_a_billion_parameters_on_meta_takes_little_memory() -> None:
    script = textwrap.dedent(
        """
        import json, re, sys, torch
        from torch import nn
        import flatviz
        with torch.device("meta"):
            model = nn.Sequential(nn.Linear(32768, 32768), nn.ReLU(), nn.Linear(32768, 10))
        params = sum(p.numel() for p in model.parameters())
        report = flatviz.doctor(model, torch.empty(64, 32768, device="meta"))
        # VmHWM is this process's own peak: ru_maxrss would also count the parent's
        # memory, which Linux carries over into a child started with vfork and exec.
        status = open("/proc/self/status").read()
        peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024
        json.dump({"params": params, "ok": report.ok, "findings": len(report.findings),
                   "peak_mb": peak}, sys.stdout)
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    got = json.loads(run.stdout)
    assert got["params"] > 10**9
    assert got["ok"] and got["findings"] == 0
    assert got["peak_mb"] < 700, got  # the weights alone would take 4 GB


def test_bad_arguments_raise_type_errors() -> None:
    with pytest.raises(TypeError, match=r"must be a torch\.nn\.Module"):
        flatviz.doctor(lambda x: x, torch.zeros(1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a tensor, a tuple of tensors"):
        flatviz.doctor(nn.Linear(2, 2), [1, 2])


def test_the_report_renders_as_html_for_jupyter() -> None:
    report = flatviz.doctor(lenet(nn.Identity()), torch.randn(2, 3, 32, 32))
    page = report._repr_html_()
    errors = {f.seq for f in report.errors}
    assert page.count("<tr class='error'>") == len([r for r in report.rows if r.seq in errors])
    assert page.count("<tr>") == len(report.rows) + 1 - page.count("<tr class='error'>")
    assert "missing-flatten" in page and "&quot;" not in report.errors[0].fix


# ops without a meta kernel ------------------------------------------------------------


@torch.library.custom_op("flatviz_test::halve", mutates_args=())
def halve(x: torch.Tensor) -> torch.Tensor:
    """A custom op with a CPU kernel and no meta (fake) kernel."""
    return x / 2


class Halves(nn.Module):
    def __init__(self, features: int) -> None:
        super().__init__()
        self.fc = nn.Linear(features, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(halve(x))


def test_an_op_without_a_meta_kernel_runs_on_cpu_zeros_when_small_and_says_so() -> None:
    with pytest.raises(RuntimeError, match="no fake impl"):
        halve(torch.empty(2, device="meta"))  # torch has no meta kernel for it
    report = flatviz.doctor(Halves(16), torch.randn(4, 16))
    assert report.ok
    [warning] = report.findings
    assert (warning.kind, warning.severity) == ("no-meta-kernel", "warning")
    assert "ran it on CPU zeros of the same shapes (256 bytes)" in warning.message
    assert report.rows[-1].shapes == "(4, 16) → (4, 2)"  # the run went on past it


def test_an_op_without_a_meta_kernel_is_run_on_cpu_when_the_model_fits() -> None:
    report = flatviz.doctor(Halves(2**22), torch.empty(8, 2**22, device="meta"))
    assert report.ok and report.device == "cpu", str(report)
    assert report.batch_sizes == (2, 4)
    assert [f.kind for f in report.findings] == ["cpu-run"]


def test_an_op_without_a_meta_kernel_cannot_be_checked_when_too_big_for_cpu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine, "memory_limit", lambda: 2**20)
    report = flatviz.doctor(Halves(2**22), torch.empty(8, 2**22, device="meta"))
    assert not report.ok and not report.checked and not report.errors, str(report)
    [unchecked] = [f for f in report.findings if f.kind == "cannot-check"]
    assert "more than the 1048576 a CPU run may use" in unchecked.message


class TinyLM(nn.Module):
    """A language model head that returns its logits flattened for cross_entropy."""

    def __init__(self, vocab: int = 50, dim: int = 16) -> None:
        super().__init__()
        self.embed, self.head = nn.Embedding(vocab, dim), nn.Linear(dim, vocab)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        logits = self.head(self.embed(tokens))
        return logits.view(-1, logits.size(-1))


def test_logits_flattened_for_a_loss_are_only_a_warning() -> None:
    tokens = torch.randint(50, (4, 7))
    logits = TinyLM()(tokens)
    assert logits.shape == (28, 50)
    F.cross_entropy(logits, torch.randint(50, (28,)))  # the rows are meant: torch takes them
    report = flatviz.doctor(TinyLM(), tokens)
    assert report.ok
    [warning] = report.findings
    assert (warning.kind, warning.severity) == ("batch-changed", "warning")
    assert "returns 28 rows (28, 50)" in warning.message


class Gram(nn.Module):
    """Feature covariance over the batch: contracts the batch on purpose."""

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return z.T @ z / z.shape[0]


def test_contracting_the_batch_without_a_flatten_is_only_a_warning() -> None:
    assert Gram()(torch.randn(8, 5)).shape == Gram()(torch.randn(16, 5)).shape == (5, 5)
    report = flatviz.doctor(Gram(), torch.randn(8, 5))
    assert report.ok
    [warning] = report.findings
    assert (warning.kind, warning.severity) == ("batch-mixing", "warning")
    assert warning.where == f"Gram.forward ({at_line(Gram.forward, 'z.T @ z')})"


class SelfAttention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.att = nn.MultiheadAttention(32, 4, batch_first=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.att(x, x, x)[0]


def test_calls_made_by_torchs_own_layers_belong_to_the_layer() -> None:
    report = flatviz.doctor(SelfAttention(), torch.randn(2, 5, 32))
    assert report.ok, str(report)
    inside = {row.where for row in report.rows if row.op.startswith("x.transpose")}
    assert inside == {"att"}  # MultiheadAttention's code transposes, not this file
