"""A classifier trained with cross-entropy: three Gaussian classes in 20 features, an MLP with
layer normalisation, AdamW, and its own FLOP count.

    mlpbench bench --workload examples/workloads/classifier.py --devices cpu,cuda
"""

import torch
from torch import nn

FEATURES, HIDDEN, CLASSES = 20, 16, 3


def make_data(n, seed):
    g = torch.Generator().manual_seed(seed)
    centres = 0.35 * torch.randn(CLASSES, FEATURES, generator=g)
    labels = torch.randint(0, CLASSES, (n,), generator=g)
    x = centres[labels] + torch.randn(n, FEATURES, generator=g)
    return x, labels


def build_model():
    return nn.Sequential(nn.Linear(FEATURES, HIDDEN), nn.LayerNorm(HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, CLASSES))


loss_fn = nn.CrossEntropyLoss()


def make_optimizer(params):
    return torch.optim.AdamW(params, lr=3e-3, weight_decay=0.1)


def flops_per_step(batch):
    """Forward 2*B*(in*out) per linear layer, backward twice that (the first layer's input gradient is
    not needed, so once for it); layer norm, ReLU, loss and AdamW are small and left out."""
    first, second = FEATURES * HIDDEN, HIDDEN * CLASSES
    return 2 * batch * (2 * first + 3 * second)
