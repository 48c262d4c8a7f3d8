"""Sound torchvision architectures, random weights, small inputs: the doctor must find no error.

Each function builds one model with torchvision's own definition (fewer classes, and for
ViT fewer layers, to stay cheap on CPU); `flatviz doctor sound_torchvision.py:NAME` calls it.
"""

from __future__ import annotations

from torch import nn

from tests.diagnosis.corpus.cases import Sound
from tests.diagnosis.corpus.zoo import torchvision

models = torchvision().models
vision_transformer = torchvision().models.vision_transformer


def resnet18() -> nn.Module:
    return models.resnet18(num_classes=10)


def mobilenet_v3_small() -> nn.Module:
    return models.mobilenet_v3_small(num_classes=10)


def efficientnet_b0() -> nn.Module:
    return models.efficientnet_b0(num_classes=10)


def convnext_tiny() -> nn.Module:
    return models.convnext_tiny(num_classes=10)


def vit_b_16() -> nn.Module:
    """ViT-B/16's definition at 32x32 with 2 of its 12 layers."""
    return vision_transformer.VisionTransformer(
        image_size=32, patch_size=16, num_layers=2, num_heads=12, hidden_dim=768,
        mlp_dim=3072, num_classes=10,
    )  # fmt: skip


def swin_t() -> nn.Module:
    return models.swin_t(num_classes=10)


def maxvit_t() -> nn.Module:
    return models.maxvit_t(num_classes=10)


def regnet_y_400mf() -> nn.Module:
    return models.regnet_y_400mf(num_classes=10)


def densenet121() -> nn.Module:
    return models.densenet121(num_classes=10)


def squeezenet1_1() -> nn.Module:
    return models.squeezenet1_1(num_classes=10)


def shufflenet_v2_x0_5() -> nn.Module:
    return models.shufflenet_v2_x0_5(num_classes=10)


def googlenet() -> nn.Module:
    return models.googlenet(num_classes=10, aux_logits=False, init_weights=False)


def mnasnet0_5() -> nn.Module:
    return models.mnasnet0_5(num_classes=10)


IMAGE = ((2, 3, 64, 64),)
CASES = {
    "resnet18": Sound(resnet18, IMAGE),
    "mobilenet_v3_small": Sound(mobilenet_v3_small, IMAGE),
    "efficientnet_b0": Sound(efficientnet_b0, IMAGE),
    "convnext_tiny": Sound(convnext_tiny, IMAGE),
    "vit_b_16": Sound(vit_b_16, ((2, 3, 32, 32),)),
    "swin_t": Sound(swin_t, IMAGE),
    "maxvit_t": Sound(maxvit_t, ((1, 3, 224, 224),)),
    "regnet_y_400mf": Sound(regnet_y_400mf, IMAGE),
    "densenet121": Sound(densenet121, IMAGE),
    "squeezenet1_1": Sound(squeezenet1_1, IMAGE),
    "shufflenet_v2_x0_5": Sound(shufflenet_v2_x0_5, IMAGE),
    "googlenet": Sound(googlenet, IMAGE),
    "mnasnet0_5": Sound(mnasnet0_5, IMAGE),
}
