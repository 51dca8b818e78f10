"""dlfp.tensor — tensors as arrays with shapes: what a shape becomes, what a product costs.

Read in this order; each file is one idea:

    shapes.py   broadcast_shape, conv/pool/transposed-conv output sizes   = torch.broadcast_shapes, nn.Conv2d's shape rule
    matmul.py   matmul_naive: the product as a triple loop                 = torch.matmul
"""
