import numpy as np
import pytest
import scipy.sparse as sps
import scipy.sparse.linalg as spla
import torch

from dlfp.nn import green
from dlfp.nn.green import screened_poisson_green, smooth_random_field, solve_screened_poisson
from tests.unit.bad_input import NAN


def _periodic_operator(n, h, kappa):
    one = sps.diags([np.ones(n - 1), -2 * np.ones(n), np.ones(n - 1)], [-1, 0, 1], format="lil")
    one[0, n - 1] = one[n - 1, 0] = 1
    lap1 = one.tocsr() / h**2
    eye = sps.identity(n)
    return (-(sps.kron(lap1, eye) + sps.kron(eye, lap1)) + kappa**2 * sps.identity(n * n)).tocsc()


def test_fft_solver_matches_sparse_solver():
    n, h, kappa = 24, 0.2, 1.5
    rho = torch.randn(n, n, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    phi = solve_screened_poisson(rho, h, kappa)
    ref = spla.spsolve(_periodic_operator(n, h, kappa), rho.numpy().ravel()).reshape(n, n)
    np.testing.assert_allclose(phi.numpy(), ref, rtol=1e-10, atol=1e-12)


def test_solution_is_circular_convolution_with_green():
    n, h, kappa = 16, 0.5, 0.7
    g = torch.Generator().manual_seed(1)
    rho = torch.randn(n, n, dtype=torch.float64, generator=g)
    G = screened_poisson_green(n, h, kappa)
    direct = torch.zeros(n, n, dtype=torch.float64)
    for i in range(n):
        for j in range(n):
            direct += h**2 * rho[i, j] * torch.roll(G, shifts=(i, j), dims=(0, 1))
    torch.testing.assert_close(solve_screened_poisson(rho, h, kappa), direct)


def test_poisson_zero_mean():
    n = 16
    rho = torch.randn(n, n, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    rho -= rho.mean()
    phi = solve_screened_poisson(rho, 1.0, 0.0)
    ref = spla.lsqr(_periodic_operator(n, 1.0, 0.0), rho.numpy().ravel(), atol=1e-14, btol=1e-14)[0]
    ref = ref.reshape(n, n) - ref.mean()
    np.testing.assert_allclose(phi.numpy(), ref, atol=1e-8)
    assert abs(phi.mean()) < 1e-12


def test_smooth_random_field_statistics():
    u = smooth_random_field(64, 3.0, torch.Generator().manual_seed(0))
    assert u.shape == (64, 64) and u.dtype == torch.float32
    assert abs(u.mean()) < 1e-5 and abs(u.std() - 1) < 1e-5
    # neighbouring cells are strongly correlated for a correlation length of 3 cells
    assert (u * torch.roll(u, 1, 0)).mean() > 0.8


def test_bad_inputs():
    with pytest.raises(ValueError, match="kappa"):
        screened_poisson_green(8, 1.0, -1.0)
    with pytest.raises(ValueError, match="spacing"):
        screened_poisson_green(8, 0.0)
    with pytest.raises(ValueError, match=r"\(\*, n, n\)"):
        solve_screened_poisson(torch.zeros(4, 5))
    with pytest.raises(TypeError, match="floating"):
        solve_screened_poisson(torch.zeros(4, 4, dtype=torch.long))
    with pytest.raises(ValueError, match="zero mean"):
        solve_screened_poisson(torch.ones(4, 4), kappa=0.0)
    with pytest.raises(ValueError, match="correlation_length"):
        smooth_random_field(8, -1.0)


# Each public object of dlfp.nn.green, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.nn.green.screened_poisson_green": [
        (lambda: green.screened_poisson_green(8, 1.0, -1.0), ValueError, r"kappa must be non-negative, got -1\.0"),
        (lambda: green.screened_poisson_green(1), ValueError, r"n must be an int >= 2, got 1"),
    ],
    "dlfp.nn.green.solve_screened_poisson": [
        (
            lambda: green.solve_screened_poisson(torch.zeros(4, 5)),
            ValueError,
            r"rho must have shape \(\*, n, n\), got \(4, 5\)",
        ),
        (lambda: green.solve_screened_poisson(torch.full((4, 4), NAN)), ValueError, r"rho must be finite"),
    ],
    "dlfp.nn.green.smooth_random_field": [
        (lambda: green.smooth_random_field(8, -1.0), ValueError, r"correlation_length must be non-negative"),
    ],
}
