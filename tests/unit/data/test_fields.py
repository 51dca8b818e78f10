import math

import numpy as np
import pytest
import torch

from dlfp.data import fields
from dlfp.data.fields import (
    AMPLITUDE,
    H,
    generate_field,
    generate_fields,
    k_equality,
    measure_power_spectrum,
    power_spectrum,
    wavenumbers,
)


def test_power_spectrum_shape_peak_and_limits():
    k = torch.logspace(-3, 1, 2001, dtype=torch.float64)
    for om in (0.1, 0.3, 0.5):
        p = power_spectrum(k, om)
        k_eq = om * H
        peak = k[p.argmax()]
        assert abs(peak / (k_eq / math.sqrt(3)) - 1) < 0.01  # analytic peak at k_eq/sqrt(3)
        torch.testing.assert_close(p[0], AMPLITUDE * k[0], rtol=1e-3, atol=0)  # P ~ A k at small k
    batched = power_spectrum(k, torch.tensor([0.1, 0.5]))
    assert batched.shape == (2, len(k))
    torch.testing.assert_close(batched[1], power_spectrum(k, 0.5))


def test_wavenumbers_match_fftfreq():
    k = wavenumbers(8, cell_size=2.0)
    f = 2 * math.pi * np.fft.fftfreq(8, d=2.0)
    np.testing.assert_allclose(k.numpy(), np.hypot(f[:, None], f[None, :]))


def test_fields_are_real_zero_mean_and_seeded():
    om = torch.tensor([0.1, 0.3, 0.5])
    f = generate_fields(om, size=32, seed=3)
    assert f.shape == (3, 32, 32) and f.dtype == torch.float32
    torch.testing.assert_close(f.mean(dim=(1, 2)), torch.zeros(3), atol=1e-5, rtol=0)
    assert torch.equal(f, generate_fields(om, size=32, seed=3))
    assert generate_fields(0.3, size=16).shape == (16, 16)


def test_variance_matches_the_sum_over_modes():
    # sigma^2 = (1/L^2) sum_k P(k), k != 0, exactly in expectation
    n, dx, om = 32, 4.0, 0.3
    f = generate_fields(torch.full((400,), om), size=n, seed=0).double()
    k = wavenumbers(n, dx)
    p = power_spectrum(k, om)
    p[0, 0] = 0
    expected = p.sum() / (n * dx) ** 2
    assert abs(f.var(dim=(1, 2), unbiased=False).mean() / expected - 1) < 0.03


def test_measured_spectrum_recovers_the_input():
    om = torch.tensor([0.15, 0.45]).repeat_interleave(300)
    f = generate_fields(om, size=64, seed=1)
    k, p = measure_power_spectrum(f)
    assert k.shape == (32,) and p.shape == (600, 32)
    for j, o in enumerate((0.15, 0.45)):
        mean = p[j * 300 : (j + 1) * 300].mean(0)
        ratio = mean / power_spectrum(k, o)
        assert torch.all((ratio[4:] - 1).abs() < 0.1), ratio  # shells with many modes
    k1, p1 = measure_power_spectrum(f[0])
    torch.testing.assert_close(p1, p[0])


def test_parseval_for_the_estimator():
    # sum over all modes of P_hat / L^2 equals the field's mean square
    f = torch.randn(16, 16, dtype=torch.float64)
    dx = 4.0
    power = dx**2 * torch.fft.fft2(f).abs() ** 2 / 16**2
    torch.testing.assert_close(power.sum() / (16 * dx) ** 2, (f**2).mean())


def test_generate_field_is_numpy_float32():
    f = generate_field(0.3, size=16, seed=0)
    assert isinstance(f, np.ndarray) and f.dtype == np.float32 and f.shape == (16, 16)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: generate_fields(torch.tensor([0.3, -0.1])), "omega_m must be finite and positive"),
        (lambda: generate_fields(torch.ones(2, 2)), "omega_m must be a number or a 1-D"),
        (lambda: generate_fields(0.3, size=1), "size must be an int >= 2"),
        (lambda: generate_fields(0.3, seed=1.5), "seed must be"),
        (lambda: power_spectrum(-torch.ones(2), 0.3), "k must be non-negative"),
        (lambda: power_spectrum(torch.ones(2), 0.3, amplitude=0.0), "amplitude must be"),
        (lambda: k_equality(0.3, h=-1.0), "h must be"),
        (lambda: wavenumbers(8, cell_size=0.0), "cell_size must be"),
        (lambda: measure_power_spectrum(torch.zeros(4, 5)), "fields must have shape"),
        (lambda: measure_power_spectrum(np.zeros((4, 4))), "fields must be a torch.Tensor"),
        (lambda: measure_power_spectrum(torch.zeros(4, 4, dtype=torch.int64)), "real floating"),
        (lambda: generate_field(torch.tensor([0.1, 0.2])), "single number"),
    ],
)
def test_validation(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


@pytest.mark.parametrize("omega", [[], np.array([]), torch.zeros(0)])
def test_generate_fields_refuses_an_empty_batch(omega):
    with pytest.raises(ValueError, match=r"omega_m must hold at least one value"):
        generate_fields(omega, 16)


def test_measure_power_spectrum_refuses_an_empty_batch():
    with pytest.raises(ValueError, match=r"fields must hold at least one field \(B >= 1\)"):
        measure_power_spectrum(torch.zeros(0, 16, 16))


# Each public object of dlfp.data.fields, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.data.fields.k_equality": [
        (lambda: fields.k_equality(0.3, h=-1.0), ValueError, r"h must be positive"),
    ],
    "dlfp.data.fields.power_spectrum": [
        (lambda: fields.power_spectrum(-torch.ones(2), 0.3), ValueError, r"k must be non-negative"),
    ],
    "dlfp.data.fields.wavenumbers": [
        (lambda: fields.wavenumbers(1), ValueError, r"size must be an int >= 2, got 1"),
    ],
    "dlfp.data.fields.generate_fields": [
        (lambda: fields.generate_fields([], 16), ValueError, r"omega_m must hold at least one value"),
        (lambda: fields.generate_fields(torch.tensor([0.3, -0.1])), ValueError, r"omega_m must be finite and positive"),
        (lambda: fields.generate_fields(0.3, seed=1.5), TypeError, r"seed must be an int or a torch\.Generator"),
    ],
    "dlfp.data.fields.generate_field": [
        (lambda: fields.generate_field(torch.tensor([0.1, 0.2])), ValueError, r"omega_m must be a single number"),
    ],
    "dlfp.data.fields.measure_power_spectrum": [
        (
            lambda: fields.measure_power_spectrum(torch.zeros(4, 5)),
            ValueError,
            r"fields must have shape \(N, N\) or \(B, N, N\)",
        ),
    ],
}
