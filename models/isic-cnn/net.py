"""A narrow ResNet for 128-pixel dermoscopy images (He et al., CVPR 2016, basic blocks), ending in
global average pooling and one linear layer — the head for which CAM (Zhou et al., CVPR 2016)
is exact. `forward_features` returns the last convolutional feature map [B, C, h, w]
(192 × 8 × 8 for a 128-pixel input)."""
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (x if self.short is None else self.short(x)))


class SmallResNet(nn.Module):
    """stem: 3×3 conv stride 2 + 3×3 max-pool stride 2 (128 → 32 px); one basic block per stage,
    strides (1, 2, 2, 1) → an 8 × 8 map; head: global average pool + linear."""

    def __init__(self, n_outputs, widths=(32, 64, 128, 192), strides=(1, 2, 2, 1), stem=24):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, stem, 3, 2, 1, bias=False), nn.BatchNorm2d(stem), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        layers, cin = [], stem
        for w, s in zip(widths, strides):
            layers.append(Block(cin, w, s))
            cin = w
        self.layers = nn.Sequential(*layers)
        self.head = nn.Linear(cin, n_outputs)

    def forward_features(self, x):
        return self.layers(self.stem(x))

    def forward(self, x):
        return self.head(self.forward_features(x).mean((2, 3)))
