"""explain() against torch itself: random as_strided layouts and named layouts people flatten."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import flatviz
from flatviz import Layout
from tests.helpers.examples import examples
from tests.helpers.strategies import derived_layouts, dims, layouts
from tests.helpers.torch_truth import make_tensor, torch_flatten

# torch raises RuntimeError for start_dim > end_dim; flatviz raises the more precise ValueError.
ERROR_MAP: dict[type[Exception], type[Exception]] = {
    IndexError: IndexError,
    RuntimeError: ValueError,
}


def check_against_torch(layout: Layout, start: int, end: int, device: str) -> None:
    """explain() and torch.flatten agree on shape, view or copy, strides, offsets, errors."""
    x = make_tensor(layout, device)
    try:
        truth = torch_flatten(x, start, end)
    except (IndexError, RuntimeError) as err:
        with pytest.raises(ERROR_MAP[type(err)]):
            flatviz.explain(x, start, end)
        return
    plan = flatviz.explain(x, start, end)
    assert plan.shape == truth.shape
    assert plan.is_view == truth.is_view, plan.reason
    assert plan.returns_input == truth.is_input
    assert (plan.blocking is None) == plan.is_view
    if plan.is_view:
        assert plan.stride == truth.stride
        assert plan.result.offset == truth.offset
    if truth.values is not None:
        assert plan.offsets().tolist() == truth.values


@settings(max_examples=examples(2000), deadline=None)
@given(st.data())
def test_random_layouts_match_torch_cpu(data: st.DataObject) -> None:
    layout = data.draw(st.one_of(layouts(), derived_layouts()))
    check_against_torch(layout, *data.draw(dims(layout)), device="cpu")


@settings(max_examples=examples(800), deadline=None)
@given(st.data())
def test_random_layouts_match_torch_meta(data: st.DataObject) -> None:
    layout = data.draw(st.one_of(layouts(), derived_layouts()))
    check_against_torch(layout, *data.draw(dims(layout)), device="meta")


def _cl() -> torch.Tensor:
    return (
        torch.arange(2 * 3 * 4 * 5)
        .reshape(2, 3, 4, 5)
        .contiguous(memory_format=torch.channels_last)
    )


NAMED = {
    "contiguous": lambda: torch.arange(24).reshape(2, 3, 4),
    "transpose": lambda: torch.arange(24).reshape(2, 3, 4).transpose(1, 2),
    "permute": lambda: torch.arange(24).reshape(2, 3, 4).permute(2, 0, 1),
    "t": lambda: torch.arange(12).reshape(3, 4).t(),
    "step slice": lambda: torch.arange(24).reshape(4, 6)[:, ::2],
    "row slice": lambda: torch.arange(24).reshape(6, 4)[::2],
    "narrow offset": lambda: torch.arange(24).reshape(4, 6).narrow(1, 2, 3),
    "select offset": lambda: torch.arange(24).reshape(2, 3, 4).select(0, 1),
    "expand": lambda: torch.arange(4).reshape(1, 4).expand(3, 4),
    "expand middle": lambda: torch.arange(6).reshape(2, 1, 3).expand(2, 4, 3),
    "overlap": lambda: torch.arange(10).as_strided((4, 3), (2, 1)),
    "unfold": lambda: torch.arange(10).unfold(0, 4, 2),
    "diagonal": lambda: torch.arange(16).reshape(4, 4).diagonal(),
    "size-1 odd stride": lambda: torch.arange(6).as_strided((2, 1, 3), (3, 99, 1)),
    "trailing size-1": lambda: torch.arange(6).as_strided((2, 3, 1), (3, 1, 7)),
    "channels_last": _cl,
    "empty transposed": lambda: torch.empty(0, 3, 4).transpose(1, 2),
    "0-d": lambda: torch.tensor(7),
    "1-d": lambda: torch.arange(5),
}


@pytest.mark.parametrize("name", NAMED)
@pytest.mark.parametrize("device", ["cpu", "meta"])
def test_named_layouts_match_torch(name: str, device: str) -> None:
    x = NAMED[name]()
    layout = Layout(tuple(x.shape), x.stride(), x.storage_offset())
    for start in range(-max(x.dim(), 1), max(x.dim(), 1)):
        for end in range(-max(x.dim(), 1), max(x.dim(), 1)):
            check_against_torch(layout, start, end, device)


def test_channels_last_merges_only_h_and_w() -> None:
    x = _cl()
    verdicts = {(s, e): flatviz.explain(x, s, e).is_view for s in range(4) for e in range(s + 1, 4)}
    torch_verdicts = {
        (s, e): torch_flatten(x, s, e).is_view for s in range(4) for e in range(s + 1, 4)
    }
    assert verdicts == torch_verdicts
    assert [k for k, v in verdicts.items() if v] == [(2, 3)]


def test_reason_names_the_blocking_pair_with_numbers() -> None:
    plan = flatviz.explain(torch.arange(24).reshape(2, 3, 4).transpose(1, 2), 1)
    assert plan.blocking == (1, 2)
    assert "stride[1] = 1, but size[2] * stride[2] = 3 * 4 = 12" in plan.reason


def test_blocking_pair_skips_size_one_dims() -> None:
    x = torch.arange(24).reshape(4, 6)[:, :3].unsqueeze(1)
    plan = flatviz.explain(x)
    assert not torch_flatten(x, 0, -1).is_view
    assert plan.blocking == (0, 2)


def test_offsets_cost_nothing_for_meta_until_asked() -> None:
    x = torch.empty(1024, 3, 1024, 1024, device="meta").transpose(1, 3)
    plan = flatviz.explain(x, 1)
    assert plan.shape == (1024, 3 * 1024 * 1024)
    assert "(3221225472 elements)" in str(plan)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((5,), IndexError, "start_dim=5 is out of range for a 3-d tensor"),
        ((0, -4), IndexError, "end_dim=-4 is out of range for a 3-d tensor"),
        ((2, 1), ValueError, "start_dim=2 comes after end_dim=1"),
        ((1.0,), TypeError, "start_dim must be an int, got 1.0"),
        ((True,), TypeError, "start_dim must be an int, got True"),
        ((0, "1"), TypeError, "end_dim must be an int, got '1'"),
    ],
)
def test_bad_dims_name_the_values(
    args: tuple[object, ...], error: type[Exception], message: str
) -> None:
    x = torch.zeros(2, 3, 4)
    with pytest.raises(error, match=message.replace("(", r"\(")):
        flatviz.explain(x, *args)  # type: ignore[arg-type]


def test_zero_d_accepts_minus_one_and_zero_only() -> None:
    s = torch.tensor(1.0)
    assert flatviz.explain(s, -1, 0).shape == (1,)
    with pytest.raises(IndexError, match=r"start_dim=1 is out of range for a 0-d tensor"):
        flatviz.explain(s, 1)


@pytest.mark.parametrize("thing", [[1, 2, 3], (2, 3), 3.0, None, "tensor"])
def test_non_tensors_are_type_errors(thing: object) -> None:
    with pytest.raises(TypeError, match=f"got builtins.{type(thing).__name__}"):
        flatviz.explain(thing)


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch warns that sparse support is beta
def test_sparse_tensor_names_its_layout() -> None:
    with pytest.raises(ValueError, match=r"sparse tensor with layout torch\.sparse_coo"):
        flatviz.explain(torch.eye(3).to_sparse())
    with pytest.raises(ValueError, match=r"torch\.sparse_csr"):
        flatviz.explain(torch.eye(3).to_sparse_csr())


def test_nested_tensor_names_its_layout() -> None:
    nt = torch.nested.nested_tensor([torch.zeros(2, 3), torch.zeros(4, 3)], layout=torch.jagged)
    with pytest.raises(ValueError, match=r"nested tensor with layout torch\.jagged"):
        flatviz.explain(nt)


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch deprecates quantized dtypes
def test_quantized_tensor_names_its_dtype() -> None:
    q = torch.quantize_per_tensor(torch.zeros(2, 3), 0.1, 0, torch.quint8)
    with pytest.raises(ValueError, match=r"quantized tensor \(torch.quint8"):
        flatviz.explain(q)


def test_explain_accepts_a_layout() -> None:
    plan = flatviz.explain(Layout((2, 3, 4), (12, 1, 3)), 1)
    x = make_tensor(Layout((2, 3, 4), (12, 1, 3)))
    assert plan.is_view == torch_flatten(x, 1, -1).is_view


@pytest.mark.parametrize(
    "make",
    [
        lambda a: a,
        lambda a: a[:, ::-1],
        lambda a: a[::-2, 1:],
        lambda a: a.T[::-1],
        lambda a: a[1:, 2:][::-1, ::-3],
        lambda a: np.broadcast_to(a[0], (3, 6)),
    ],
)
def test_numpy_layouts_read_the_right_elements(make: object) -> None:
    owner = np.arange(24, dtype=np.int32).reshape(4, 6)
    a = make(owner)  # type: ignore[operator]
    assert flatviz.explain(a).offsets().tolist() == a.ravel().tolist()


def test_numpy_strides_match_torch_from_numpy() -> None:
    a = np.arange(60, dtype=np.float64).reshape(3, 4, 5)[1:, ::2].transpose(2, 0, 1)
    t = torch.from_numpy(a)
    layout = flatviz.explain(a).layout
    assert (layout.shape, layout.stride) == (tuple(t.shape), t.stride())
    # torch.from_numpy starts its storage at the view's first element; flatviz counts from
    # the owning buffer, which is 1 * 20 elements earlier here.
    assert layout.offset == 20


@pytest.mark.parametrize("name", NAMED)
def test_plan_text_fits_88_columns_and_keeps_every_word(name: str) -> None:
    x = NAMED[name]()
    for start in range(max(x.dim(), 1)):
        plan = flatviz.explain(x, start)
        text = str(plan)
        assert max(len(line) for line in text.splitlines()) <= 88, text
        assert " ".join(text.split()).endswith(" ".join(plan.reason.split())), text
