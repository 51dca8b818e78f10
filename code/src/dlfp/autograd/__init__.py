"""dlfp.autograd — derivatives by hand, by graph and by mode.

Read in this order; each file is one idea:

    numpy_nn.py         a two-layer network and its backward pass in pure NumPy
    manual_backprop.py  the same backward pass in torch, checked against .backward()
    graph.py            walking the graph autograd records (grad_fn, next_functions)
    function.py         custom Functions with their own backward   = torch.autograd.Function, gradcheck
    modes.py            forward- versus reverse-mode gradients and their cost   = torch.func.jvp / vjp
    adjoint.py          the adjoint method: an ODE solve differentiated backwards
"""
