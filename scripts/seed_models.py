"""PyTorch definitions of the seed experiments' networks, shared by the fixture and bench scripts.

The classes are copied from /work/shared/seeds/vanishing-gradients-despite-kaiming.md so that
state-dict names (``model.0.weight``, ``blocks.0.conv1.weight``, ...) and the order in which
PyTorch draws initial weights from the global RNG match the seed exactly. ``WideMLP`` is the
extra ReLU network the benchmarks use to measure throughput on a compute-heavy model.

This module is imported, not run. It needs only ``torch``.
"""

import torch
import torch.nn as nn


class DeepNet(nn.Module):
    """Seed Example 1: ``num_layers`` hidden Linear layers, each followed by ``activation``.

    With the default ``nn.Sigmoid`` this is the seed's network verbatim; ``model.{2i}`` is the
    i-th Linear and the output head is ``model.{2 * num_layers}``.
    """

    def __init__(self, input_size, hidden_size, num_layers, output_size, activation=nn.Sigmoid):
        super().__init__()
        layers = [nn.Linear(input_size, hidden_size), activation()]
        for _ in range(num_layers - 1):
            layers.append(nn.Linear(hidden_size, hidden_size))
            layers.append(activation())
        layers.append(nn.Linear(hidden_size, output_size))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class ResidualBlock(nn.Module):
    """Seed Example 2 block: relu(conv2(relu(conv1(x))) + shortcut(x)), kernel 3, padding 1."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv1 = nn.Conv1d(in_channels, out_channels, kernel_size=3, padding=1)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv1d(out_channels, out_channels, kernel_size=3, padding=1)
        self.shortcut = (
            nn.Conv1d(in_channels, out_channels, kernel_size=1)
            if in_channels != out_channels
            else nn.Identity()
        )

    def forward(self, x):
        residual = x
        x = self.relu(self.conv1(x))
        x = self.conv2(x)
        x += self.shortcut(residual)
        return self.relu(x)


class ResNet(nn.Module):
    """Seed Example 2: 1x1 conv_in, ``num_blocks`` residual blocks, 1x1 conv_out (no final ReLU)."""

    def __init__(self, input_size, hidden_size, num_blocks, output_size):
        super().__init__()
        self.conv_in = nn.Conv1d(input_size, hidden_size, kernel_size=1)
        self.blocks = nn.Sequential(*[ResidualBlock(hidden_size, hidden_size) for _ in range(num_blocks)])
        self.conv_out = nn.Conv1d(hidden_size, output_size, kernel_size=1)

    def forward(self, x):
        x = self.conv_in(x)
        x = self.blocks(x)
        x = self.conv_out(x)
        return x


class ResNetClassifier(nn.Module):
    """Seed Example 2's trunk (1x1 conv_in, residual blocks) as a sequence classifier:
    ``nn.AdaptiveAvgPool1d(1)``, flatten, ``nn.Linear(hidden_size, num_classes)`` named ``fc``.
    ddp-train's ``--model resnet1d --task classification`` has the same state-dict names."""

    def __init__(self, input_size, hidden_size, num_blocks, num_classes):
        super().__init__()
        self.conv_in = nn.Conv1d(input_size, hidden_size, kernel_size=1)
        self.blocks = nn.Sequential(*[ResidualBlock(hidden_size, hidden_size) for _ in range(num_blocks)])
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        if x.dim() == 2:  # [N, L] single-channel sequences, as ddp-train reads them
            x = x.unsqueeze(1)
        x = self.blocks(self.conv_in(x))
        return self.fc(torch.flatten(self.pool(x), 1))


class ShallowNet(nn.Module):
    """Seed Example 3: Linear -> ReLU -> Linear."""

    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.linear1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.linear2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        return self.linear2(self.relu(self.linear1(x)))


def wide_mlp(input_size=1024, hidden_size=1024, num_hidden=4, output_size=10):
    """The benchmarks' compute-bound MLP: ``num_hidden`` ReLU layers of ``hidden_size``."""
    return DeepNet(input_size, hidden_size, num_hidden, output_size, activation=nn.ReLU)


def grad_norms(model):
    """Maps every parameter name to the float32 L2 norm of its gradient, as a Python float."""
    return {name: float(p.grad.norm()) for name, p in model.named_parameters()}


def param_sums(model):
    """Maps every parameter name to the float32 sum of its values, as a Python float."""
    return {name: float(p.detach().sum()) for name, p in model.named_parameters()}
