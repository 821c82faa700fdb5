"""A small convolutional network on synthetic images: which quadrant holds the bright blob?

A workload file for mlpbench: it defines build_model() and make_data(n, seed), and chooses its own
loss (cross-entropy) and optimizer (SGD with momentum); FLOPs are counted by mlpbench.

    mlpbench run --workload examples/workloads/cnn.py --device cpu
    mlpbench sweep --workload examples/workloads/cnn.py --devices cpu,cuda --vary n=1000,4000,16000
"""

import torch
from torch import nn

SIZE = 16  # images are 1 x SIZE x SIZE
CLASSES = 4  # the quadrant of the blob


def make_data(n, seed):
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, CLASSES, (n,), generator=g)
    images = torch.randn(n, 1, SIZE, SIZE, generator=g)
    half = SIZE // 2
    rows = (labels // 2) * half + torch.randint(2, half - 2, (n,), generator=g)
    cols = (labels % 2) * half + torch.randint(2, half - 2, (n,), generator=g)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            images[torch.arange(n), 0, rows + dy, cols + dx] += 0.8
    return images, labels


def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * (SIZE // 4) ** 2, CLASSES),
    )


loss_fn = nn.CrossEntropyLoss()


def make_optimizer(params):
    return torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=1e-3)
