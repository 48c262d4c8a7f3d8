"""Sound timm architectures, random weights, small inputs: the doctor must find no error.

Each function builds one model with timm's own definition (`pretrained=False`, so nothing
is downloaded), shrunk in depth or input size to stay cheap on CPU.
"""

from __future__ import annotations

from typing import Any

from torch import nn

from tests.diagnosis.corpus.cases import Sound
from tests.diagnosis.corpus.zoo import torchvision

torchvision()  # timm imports torchvision: its compiled ops may not load here (see zoo)
import timm  # noqa: E402


def _create(name: str, **kwargs: Any) -> nn.Module:
    model: nn.Module = timm.create_model(name, pretrained=False, num_classes=10, **kwargs)
    return model


def swinv2_cr_tiny() -> nn.Module:
    """SwinV2 (its attention calls F.normalize) at 64x64 with 4x4 windows."""
    return _create("swinv2_cr_tiny_ns_224", img_size=64, window_size=4)


def deit_tiny() -> nn.Module:
    return _create("deit_tiny_patch16_224", img_size=32, depth=2)


def levit_128s() -> nn.Module:
    return _create("levit_128s", img_size=64)


def coatnet_nano() -> nn.Module:
    return _create("coatnet_nano_rw_224", img_size=64)


def eva02_tiny() -> nn.Module:
    """EVA-02 (rotary position embedding, SwiGLU) at 56x56 with 2 blocks."""
    return _create("eva02_tiny_patch14_224", img_size=56, depth=2)


def mixer_s16() -> nn.Module:
    return _create("mixer_s16_224", img_size=64)


def mobilevitv2_050() -> nn.Module:
    return _create("mobilevitv2_050")


def efficientvit_b0() -> nn.Module:
    return _create("efficientvit_b0")


def edgenext_xx_small() -> nn.Module:
    return _create("edgenext_xx_small")


def convnext_atto() -> nn.Module:
    return _create("convnext_atto")


IMAGE = ((2, 3, 64, 64),)
CASES = {
    "timm_swinv2_cr_tiny": Sound(swinv2_cr_tiny, IMAGE),
    "timm_deit_tiny": Sound(deit_tiny, ((2, 3, 32, 32),)),
    "timm_levit_128s": Sound(levit_128s, IMAGE),
    "timm_coatnet_nano": Sound(coatnet_nano, IMAGE),
    "timm_eva02_tiny": Sound(eva02_tiny, ((2, 3, 56, 56),)),
    "timm_mixer_s16": Sound(mixer_s16, IMAGE),
    "timm_mobilevitv2_050": Sound(mobilevitv2_050, IMAGE),
    "timm_efficientvit_b0": Sound(efficientvit_b0, IMAGE),
    "timm_edgenext_xx_small": Sound(edgenext_xx_small, IMAGE),
    "timm_convnext_atto": Sound(convnext_atto, IMAGE),
}
