"""dlfp.scripts — programs to run, not to import.

ddp_train.py   the data-parallel training script torchrun launches:
               python -m torch.distributed.run --standalone --nproc-per-node 2 -m dlfp.scripts.ddp_train
"""
