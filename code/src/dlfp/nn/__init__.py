"""dlfp.nn — layers and functions written out, each beside its torch twin.

Read in this order; each file is one idea:

    functional.py        stable log-sum-exp, softmax, cross-entropy; conv by unfold; layer norm
                         = torch.logsumexp, F.softmax, F.cross_entropy, F.conv2d, F.layer_norm
    init.py              signal statistics layer by layer, for initialisation   = nn.init
    hooks.py             watching activations without editing the model   = Module.register_forward_hook
    receptive_field.py   receptive fields from gradients and from the layer list
    padding.py           padding modes as boundary conditions (ghost nodes)   = F.pad
    green.py             the lattice Green's function a convolution can learn
    rnn.py               the RNN and LSTM cells   = nn.RNNCell, nn.LSTMCell
    positional.py        the sinusoidal positional encoding of "Attention Is All You Need"
    attention.py         scaled dot-product and multi-head attention, the causal mask
                         = F.scaled_dot_product_attention, nn.MultiheadAttention
"""
