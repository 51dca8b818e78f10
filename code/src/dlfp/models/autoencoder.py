"""A convolutional denoising autoencoder for 28×28 images.

The encoder halves the resolution three times with stride-2 convolutions,
28 → 14 → 7 → 3, down to a latent tensor of 64 channels on a 3×3 grid
(576 numbers for 784 pixels); the decoder mirrors it with transposed
convolutions, 3 → 7 → 14 → 28. Trained on (noisy, clean) pairs it learns to
remove the noise.

Taught in: :ref:`gr-challenge-autoencoder` (the convolutional autoencoder)
"""

from __future__ import annotations

import torch
from torch import nn

from dlfp._checks import check_model_input, check_positive, check_tensor, check_type


def add_gaussian_noise(
    images: torch.Tensor, std: float = 0.5, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Corrupt images in :math:`[0, 1]` with Gaussian noise and clip back to :math:`[0, 1]`:

    .. math::

        \\tilde x = \\operatorname{clip}(x + \\sigma \\varepsilon, 0, 1), \\quad
        \\varepsilon \\sim \\mathcal N(0, 1) \\text{ per pixel}.

    Args:
        images: the clean images :math:`x`.
        std: the noise level :math:`\\sigma \\ge 0` (default 0.5).
        generator: draws :math:`\\varepsilon` on the CPU (``None``: the global generator).

    Shape:
        - images: any shape, floating point, values in :math:`[0, 1]`
        - Output: the same shape

    Taught in: :ref:`gr-challenge-autoencoder`, step 1
    """
    check_tensor("images", images, floating=True)
    check_positive("std", std, allow_zero=True)
    check_type("generator", generator, (torch.Generator, type(None)), "a torch.Generator or None")
    check_tensor("images", images, finite=True)
    if images.numel() and (images.min() < 0 or images.max() > 1):
        raise ValueError(f"images must have values in [0, 1], got [{images.min():.3g}, {images.max():.3g}]")
    noise = torch.randn(images.shape, generator=generator, dtype=images.dtype).to(images.device)
    return (images + std * noise).clamp(0.0, 1.0)


class ConvDenoisingAutoencoder(nn.Module):
    """Stride-2 convolutional encoder to a :math:`64 \\times 3 \\times 3` latent, transposed-convolution decoder.

    ======================================  ==================  =================
    layer                                   size formula        shape
    ======================================  ==================  =================
    input                                                       (B, 1, 28, 28)
    Conv2d(1, 16, 3, stride 2, pad 1), ReLU  ⌊(28+2−3)/2⌋+1     (B, 16, 14, 14)
    Conv2d(16, 32, 3, stride 2, pad 1), ReLU ⌊(14+2−3)/2⌋+1     (B, 32, 7, 7)
    Conv2d(32, 64, 3, stride 2, pad 0), ReLU ⌊(7−3)/2⌋+1        (B, 64, 3, 3)  latent
    ConvT(64, 32, 3, s 2, p 0, op 0), ReLU   (3−1)·2+3          (B, 32, 7, 7)
    ConvT(32, 16, 3, s 2, p 1, op 1), ReLU   (7−1)·2−2+3+1      (B, 16, 14, 14)
    ConvT(16, 1, 3, s 2, p 1, op 1)          (14−1)·2−2+3+1     (B, 1, 28, 28)
    ======================================  ==================  =================

    The output layer is linear. A final sigmoid, which would keep the output
    in :math:`[0, 1]`, lets MSE training on mostly black digits collapse to a
    blank image: the sigmoid saturates at 0 before the digits are learned
    (shown in challenge III). Clamp to :math:`[0, 1]` for display.

    Shape:
        - x: :math:`(B, 1, 28, 28)`, values in :math:`[0, 1]`
        - Output: :math:`(B, 1, 28, 28)`, unbounded; :meth:`encode` gives :math:`(B, 64, 3, 3)`

    Taught in: :ref:`gr-challenge-autoencoder`, steps 2–3
    """

    latent_shape = (64, 3, 3)

    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=0),
            nn.ReLU(),
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(64, 32, 3, stride=2, padding=0, output_padding=0),
            nn.ReLU(),
            nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1),
            nn.ReLU(),
            nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1),
        )

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The latent code, :math:`(B, 64, 3, 3)`."""
        check_model_input("x", x, self, shape=("B", 1, 28, 28))
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Images :math:`(B, 1, 28, 28)` from latent codes :math:`(B, 64, 3, 3)`."""
        check_model_input("z", z, self, shape=("B", *self.latent_shape))
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))
