"""dlfp.optim — optimisers written out, and the landscapes they are watched on.

Read in this order; each file is one idea:

    optimizers.py   SGD (with momentum), Adam, AdamW, one update rule each   = torch.optim.SGD, Adam, AdamW
    landscapes.py   two-dimensional loss surfaces and optimiser trajectories on them
"""
