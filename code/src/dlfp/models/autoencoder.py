"""A convolutional denoising autoencoder for 28×28 images.

The encoder halves the resolution three times with stride-2 convolutions,
28 → 14 → 7 → 3, down to a latent tensor of 64 channels on a 3×3 grid
(576 numbers for 784 pixels); the decoder mirrors it with transposed
convolutions, 3 → 7 → 14 → 28. Trained on (noisy, clean) pairs it learns to
remove the noise.

Taught in: Part II, Grand Examination, challenge III (the convolutional autoencoder).
"""

from __future__ import annotations

import torch
from torch import nn



def add_gaussian_noise(
    images: torch.Tensor, std: float = 0.5, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Corrupt images in :math:`[0, 1]` with Gaussian noise and clip back to :math:`[0, 1]`:

    .. math::

        \\tilde x = \\operatorname{clip}(x + \\sigma \\varepsilon, 0, 1), \\quad
        \\varepsilon \\sim \\mathcal N(0, 1) \\text{ per pixel}.

    Shape:
        - images: any shape, floating point, values in :math:`[0, 1]`.
        - Output: same shape.

    Raises:
        TypeError: if ``images`` is not a floating-point tensor.
        ValueError: if ``std`` is negative or the values leave :math:`[0, 1]`.
    """
    if not isinstance(images, torch.Tensor) or not images.is_floating_point():
        raise TypeError(
            f"images must be a floating-point tensor, got {getattr(images, 'dtype', type(images).__name__)}"
        )
    if not std >= 0:
        raise ValueError(f"std must be >= 0, got {std!r}")
    if images.numel() and (images.min() < 0 or images.max() > 1):
        raise ValueError(
            f"images must have values in [0, 1], got [{images.min():.3g}, {images.max():.3g}]"
        )
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
        - Input: :math:`(B, 1, 28, 28)`, values in :math:`[0, 1]`.
        - Output: :math:`(B, 1, 28, 28)`, unbounded; :meth:`encode` gives :math:`(B, 64, 3, 3)`.
    """

    latent_shape = (64, 3, 3)

    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=0), nn.ReLU(),
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(64, 32, 3, stride=2, padding=0, output_padding=0), nn.ReLU(),
            nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1),
        )

    @staticmethod
    def _check(x: torch.Tensor, expected: tuple[int, ...], name: str) -> None:
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{name} must be a tensor, got {type(x).__name__}")
        if x.ndim != 4 or tuple(x.shape[1:]) != expected:
            raise ValueError(
                f"{name} must have shape (B, {', '.join(map(str, expected))}), got {tuple(x.shape)}"
            )

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The latent code, :math:`(B, 64, 3, 3)`."""
        self._check(x, (1, 28, 28), "x")
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Images :math:`(B, 1, 28, 28)` from latent codes :math:`(B, 64, 3, 3)`."""
        self._check(z, self.latent_shape, "z")
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))
