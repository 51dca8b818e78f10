"""CosmoNet: a small CNN that reads a density field and predicts Ω_m.

Taught in: :ref:`ch-cosmonet` (§7.1, the architecture), :ref:`ch-pg-exercises` (exercises 1 and 3)
"""

from __future__ import annotations

import torch
from torch import nn

from dlfp._checks import check_choice, check_int, check_model_input, check_type


class CosmoNet(nn.Module):
    """Three conv blocks, global average pooling and a linear head.

    Each block is :math:`\\mathrm{MaxPool}_{2}(\\mathrm{ReLU}(\\mathrm{BN}(W_\\ell * x + b_\\ell)))`
    (3×3 kernels, padding 1; batch norm only if ``batch_norm=True``). Global
    average pooling turns the last block's :math:`(C_3, H/8, W/8)` maps into
    a :math:`C_3`-vector :math:`\\bar z_c = \\frac{1}{|\\Omega|}\\sum_{\\mathbf{x}} z_c(\\mathbf{x})`,
    and the head returns :math:`\\hat\\Omega_m = w^{\\mathsf T}\\bar z + b`.

    Args:
        channels: output channels of the three conv layers; the source uses (32, 64, 128).
        batch_norm: insert ``BatchNorm2d`` after each conv (exercise 1).
        padding_mode: ``"zeros"`` as in the source, or ``"circular"`` for periodic fields.

    Shape:
        - x: :math:`(B, 1, H, W)` with :math:`H, W \\ge 8`
        - Output: :math:`(B, 1)`

    Taught in: :ref:`ch-cosmonet`, §7.1; :ref:`ch-pg-exercises`, exercises 1 and 3
    """

    def __init__(self, channels=(32, 64, 128), batch_norm: bool = False, padding_mode: str = "zeros"):
        super().__init__()
        check_type("channels", channels, (tuple, list), "a tuple of three positive ints")
        if len(channels) != 3:
            raise ValueError(f"channels must be three positive ints, got {tuple(channels)!r}")
        channels = tuple(check_int(f"channels[{i}]", c, minimum=1) for i, c in enumerate(channels))
        check_type("batch_norm", batch_norm, bool, "a bool")
        check_choice("padding_mode", padding_mode, ("zeros", "circular", "reflect", "replicate"))
        c_in = 1
        for i, c in enumerate(channels, start=1):
            setattr(self, f"conv{i}", nn.Conv2d(c_in, c, kernel_size=3, padding=1, padding_mode=padding_mode))
            setattr(self, f"bn{i}", nn.BatchNorm2d(c) if batch_norm else nn.Identity())
            setattr(self, f"pool{i}", nn.MaxPool2d(kernel_size=2, stride=2))
            c_in = c
        self.global_pool = nn.AdaptiveAvgPool2d(output_size=1)
        self.fc = nn.Linear(c_in, 1)
        self.relu = nn.ReLU()

    def _check(self, x: torch.Tensor) -> None:
        check_model_input("x", x, self, shape=("B", 1, "H", "W"))
        if min(x.shape[-2:]) < 8:
            raise ValueError(f"x must have H and W at least 8 (three 2x2 poolings), got (H, W) = {tuple(x.shape[-2:])}")

    def get_feature_maps(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every intermediate activation, by layer name, in order of computation.

        Keys: ``conv1, relu1, pool1, ..., conv3, relu3, pool3, global_pool, fc``
        (``conv{i}`` is after batch norm when the model has it).

        Shape:
            - x: :math:`(B, 1, H, W)`
            - ``conv{i}``/``relu{i}``: :math:`(B, C_i, H/2^{i-1}, W/2^{i-1})`;
              ``pool{i}``: :math:`(B, C_i, H/2^i, W/2^i)`;
              ``global_pool``: :math:`(B, C_3)`; ``fc``: :math:`(B, 1)`
        """
        self._check(x)
        maps = {}
        for i in (1, 2, 3):
            x = getattr(self, f"bn{i}")(getattr(self, f"conv{i}")(x))
            maps[f"conv{i}"] = x
            x = self.relu(x)
            maps[f"relu{i}"] = x
            x = getattr(self, f"pool{i}")(x)
            maps[f"pool{i}"] = x
        x = self.global_pool(x).flatten(1)
        maps["global_pool"] = x
        maps["fc"] = self.fc(x)
        return maps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.get_feature_maps(x)["fc"]
