"""dlfp.models — whole networks, one family per file.

Import from the submodule (``from dlfp.models.mlp import MLP``), so that each
page names where its model lives. Read in this order:

    mlp.py           the single neuron and the multi-layer perceptron
    flexible.py      the building-blocks dialogue's simplest model and a configurable MLP
    logistic.py      logistic regression from raw tensors, trained by hand
    cosmonet.py      CosmoNet: a small CNN that reads a density field and predicts Ω_m
    vgg.py           VGG-style networks: the Conv→BN→ReLU block and MyVGG
    autoencoder.py   a convolutional denoising autoencoder
    recurrent.py     an LSTM forecaster: nn.LSTM over a window, a linear read-out
    transformer.py   a Transformer encoder block and a Transformer for Burgers' equation
    decoder.py       a decoder-only (GPT-style) Transformer for time series
    pinn.py          a physics-informed network for the harmonic oscillator
"""
