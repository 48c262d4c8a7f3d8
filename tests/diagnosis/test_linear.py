"""in-features, missing-flatten and unbatched-input: the Linear and the input, checked
against the error torch raises and the fixed model torch runs."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import flatviz
from tests.helpers.doctor import lenet, only, torch_error

# in-features, missing-flatten ---------------------------------------------------------


def test_in_features_names_the_number_that_arrives() -> None:
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(64, 10))
    x = torch.randn(8, 784)
    report = flatviz.doctor(model, x)
    finding = only(report, "in-features")
    assert finding.where == "2"
    assert report.error == torch_error(model, x)
    assert report.error.startswith("mat1 and mat2 shapes cannot be multiplied")
    arrives = model[:2](x).shape[1]
    assert finding.fix == f"nn.Linear({arrives}, 10), or nn.LazyLinear(10)"
    fixed = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(arrives, 10))
    assert flatviz.doctor(fixed, x).ok


def test_meta_words_the_error_otherwise_and_the_report_quotes_the_cpu() -> None:
    model = nn.Sequential(nn.Linear(784, 128), nn.Linear(64, 10))
    with pytest.raises(RuntimeError) as meta:
        model.to("meta")(torch.empty(8, 784, device="meta"))
    report = flatviz.doctor(model, torch.empty(8, 784, device="meta"), device="cpu")
    cpu = torch_error(nn.Sequential(nn.Linear(784, 128), nn.Linear(64, 10)), torch.randn(8, 784))
    assert report.error == cpu != str(meta.value).splitlines()[0]


def test_a_linear_on_a_conv_activation_is_a_missing_flatten() -> None:
    model, x = lenet(nn.Identity()), torch.randn(8, 3, 32, 32)
    report = flatviz.doctor(model, x)
    finding = only(report, "missing-flatten")
    assert finding.where == "7"
    assert report.error == torch_error(model, x)
    assert finding.fix == "add nn.Flatten() before it, which gives (8, 400)"
    assert model[:6](x).flatten(1).shape == (8, 400)
    assert flatviz.doctor(lenet(nn.Flatten()), x).ok


def test_missing_flatten_gives_in_features_when_it_differs() -> None:
    model, x = lenet(nn.Identity(), in_features=5), torch.randn(2, 3, 32, 32)
    assert model(x).shape == (2, 16, 5, 10)  # runs: Linear mixes only the last dim
    finding = only(flatviz.doctor(model, x), "missing-flatten")
    assert finding.fix == "add nn.Flatten() before it, which gives (2, 400) and nn.Linear(400, 120)"


# unbatched-input ----------------------------------------------------------------------


def test_an_image_without_its_batch_dim_is_unbatched_input() -> None:
    model, x = lenet(nn.Flatten()), torch.randn(3, 32, 32)
    report = flatviz.doctor(model, x)
    finding = only(report, "unbatched-input")
    assert finding.where == "0"
    assert finding.fix == "model(x.unsqueeze(0)), whose shape is (1, 3, 32, 32)"
    assert report.error == torch_error(model, x)
    assert model(x.unsqueeze(0)).shape == (1, 10)


def test_a_vector_without_its_batch_dim_is_unbatched_input() -> None:
    model = nn.Sequential(nn.Linear(784, 10))
    finding = only(flatviz.doctor(model, torch.randn(784)), "unbatched-input")
    assert finding.fix == "model(x.unsqueeze(0)), whose shape is (1, 784)"
