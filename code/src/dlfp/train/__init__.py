"""dlfp.train — the training loop and the engineering around it.

Read in this order; each file is one idea:

    loop.py         train_one_epoch, evaluate, accuracy: the loop every page uses
    fit.py          fit: epochs of training and evaluation, early stopping, History
    atomic.py       atomic_write: a file that appears whole or not at all
    checkpoint.py   atomic checkpoints that resume a run exactly   = torch.save / torch.load(weights_only=True)
    amp.py          mixed precision: a training step in a 16-bit type   = torch.autocast, torch.amp.GradScaler
    compile.py      which compilers this machine has; the first call's cost   = torch.compile
    ddp.py          data parallelism: backends, shards, gradients   = DistributedDataParallel
"""
