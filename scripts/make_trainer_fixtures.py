"""Generates PyTorch golden fixtures for ddp-train's end-to-end training tests.

Writes, under Tests/EndToEndTests/Fixtures/ (where the tests read them):

- ``seed_mlp_*``: the seed's Example 1 network, ``DeepNet(10, 128, 10, 1)`` with sigmoid
  activations (state-dict names ``model.0.weight`` ... ``model.20.bias``), built after
  ``torch.manual_seed(0)``; then inputs ``[100, 10]`` and targets ``[100, 1]`` from
  ``torch.randn``, in that order, as the seed does. Trained as the seed trains it (MSELoss,
  SGD lr 0.01, full batch of 100) for 20 steps.
  ``seed_mlp_init.safetensors`` / ``seed_mlp_after20.safetensors`` hold the parameters before
  the first and after the last step; ``seed_mlp_inputs.npy`` / ``seed_mlp_targets.npy`` the data;
  ``seed_mlp_expected.json`` = ``{"losses": [loss of step i's forward pass, before its update],
  "grad_norms_step0": {name: L2 norm of the gradient at step 0}, "final_params_sum": {name: sum}}``.
- ``resnet_small_*``: the seed's Example 2 ResNet shrunk to 2 residual blocks of 8 channels
  (input channels 3, length 10, output channels 1; names ``conv_in.weight``,
  ``blocks.0.conv1.weight`` ...), built after ``torch.manual_seed(1)``; inputs ``[100, 3, 10]``,
  targets ``[100, 1, 10]``; MSELoss, Adam lr 1e-3, 10 full-batch steps. Same file set with
  ``resnet_small_after10.safetensors``.
- ``resnet_classifier_*``: the seed's ResNet trunk as a classifier (``ResNetClassifier``: 1
  input channel, 2 blocks of 8 channels, average pooling over the length, ``fc`` to 3 classes),
  built after ``torch.manual_seed(2)``; inputs ``[16, 12]`` from ``torch.randn`` (single-channel
  sequences stored 2-D, as ddp-train reads ``[N, L]`` with ``--input-features 1``) and int64
  labels from ``torch.randint(0, 3, (16,))``; CrossEntropyLoss, Adam lr 1e-2, 6 full-batch
  steps. Same file set with ``resnet_classifier_after6.safetensors``; the targets file holds the
  labels.
- ``vanishing_reference.json``: for seeds 0..19, the ratio
  ||grad model.0.weight|| / ||grad model.18.weight|| (first / last *hidden* Linear; the head
  ``model.20`` is excluded) of the full-size seed MLP at init on 100 ``torch.randn`` samples
  with MSE against ``torch.randn`` targets, under three set-ups:
  ``default_sigmoid`` (PyTorch's default init, i.e. kaiming_uniform_(a=sqrt(5)), sigmoid),
  ``kaiming_normal_sigmoid`` and ``kaiming_normal_relu`` (every Linear, head included, re-drawn
  with ``kaiming_normal_(mode='fan_in', nonlinearity='relu')`` and zero bias, after the default
  init; then sigmoid or ReLU activations). Medians and every value are stored.

Norms, sums and losses are float32 values written as Python floats. Deterministic; rerun from
the repository root with

    pip install torch numpy safetensors
    python3 scripts/make_trainer_fixtures.py [seed_mlp resnet_small resnet_classifier vanishing]
"""

import json
import sys
import pathlib
import statistics

import numpy as np
import torch
import torch.nn as nn
from safetensors.torch import save_file

from seed_models import DeepNet, ResNet, ResNetClassifier, grad_norms, param_sums

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "EndToEndTests" / "Fixtures"


def train_and_record(prefix, model, inputs, targets, optimizer, steps, criterion=None):
    """Trains full-batch with ``criterion`` (MSE by default) for ``steps`` steps and writes the
    ``prefix_*`` fixture files. Integer targets (class labels) are written as int64."""
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, FIXTURES / f"{prefix}_init.safetensors")
    np.save(FIXTURES / f"{prefix}_inputs.npy", inputs.numpy().astype(np.float32))
    labels = not targets.is_floating_point()
    np.save(FIXTURES / f"{prefix}_targets.npy", targets.numpy().astype(np.int64 if labels else np.float32))
    criterion = criterion or nn.MSELoss()
    losses, norms_step0 = [], None
    for step in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        losses.append(float(loss.item()))
        if step == 0:
            norms_step0 = grad_norms(model)
        optimizer.step()
    save_file(
        {k: v.contiguous() for k, v in model.state_dict().items()},
        FIXTURES / f"{prefix}_after{steps}.safetensors",
    )
    expected = {"losses": losses, "grad_norms_step0": norms_step0, "final_params_sum": param_sums(model)}
    write_json(FIXTURES / f"{prefix}_expected.json", expected)
    print(f"{prefix}: losses {[round(x, 6) for x in losses]}")
    for name, norm in norms_step0.items():
        print(f"  grad norm at step 0  {name:<24} {norm:.6e}")


def make_seed_mlp():
    torch.manual_seed(0)
    model = DeepNet(10, 128, 10, 1)
    inputs = torch.randn(100, 10)
    targets = torch.randn(100, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, foreach=False)
    train_and_record("seed_mlp", model, inputs, targets, optimizer, steps=20)


def make_resnet_small():
    torch.manual_seed(1)
    model = ResNet(3, 8, 2, 1)
    inputs = torch.randn(100, 3, 10)
    targets = torch.randn(100, 1, 10)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, foreach=False)
    train_and_record("resnet_small", model, inputs, targets, optimizer, steps=10)


def make_resnet_classifier():
    torch.manual_seed(2)
    model = ResNetClassifier(1, 8, 2, 3)
    inputs = torch.randn(16, 12)
    labels = torch.randint(0, 3, (16,))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, foreach=False)
    train_and_record("resnet_classifier", model, inputs, labels, optimizer, steps=6, criterion=nn.CrossEntropyLoss())


def vanishing_ratio(seed, kaiming, activation):
    """First / last-hidden weight-gradient norm ratio of the seed MLP at init for one seed."""
    torch.manual_seed(seed)
    model = DeepNet(10, 128, 10, 1, activation=activation)
    if kaiming:
        for layer in model.model:
            if isinstance(layer, nn.Linear):
                nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
                nn.init.zeros_(layer.bias)
    inputs = torch.randn(100, 10)
    targets = torch.randn(100, 1)
    nn.MSELoss()(model(inputs), targets).backward()
    first = float(model.model[0].weight.grad.norm())
    last = float(model.model[18].weight.grad.norm())
    return first, last


def make_vanishing_reference(seeds=range(20)):
    setups = [
        ("default_sigmoid", False, nn.Sigmoid, "PyTorch default init (kaiming_uniform_(a=sqrt(5))), sigmoid"),
        ("kaiming_normal_sigmoid", True, nn.Sigmoid, "kaiming_normal_(fan_in, relu gain), zero bias, sigmoid"),
        ("kaiming_normal_relu", True, nn.ReLU, "kaiming_normal_(fan_in, relu gain), zero bias, ReLU"),
    ]
    reference = {
        "description": "||grad model.0.weight|| / ||grad model.18.weight|| at init, seed MLP "
        "DeepNet(10, 128, 10, 1), 100 torch.randn samples, MSE, torch.manual_seed(seed)",
        "seeds": list(seeds),
        "setups": {},
    }
    for name, kaiming, activation, description in setups:
        pairs = [vanishing_ratio(seed, kaiming, activation) for seed in seeds]
        ratios = [first / last for first, last in pairs]
        reference["setups"][name] = {
            "description": description,
            "median_ratio": statistics.median(ratios),
            "ratios": ratios,
            "first_norms": [first for first, _ in pairs],
            "last_hidden_norms": [last for _, last in pairs],
        }
        print(
            f"vanishing {name:<24} median {statistics.median(ratios):.3e}  "
            f"min {min(ratios):.3e}  max {max(ratios):.3e}"
        )
    write_json(FIXTURES / "vanishing_reference.json", reference)


def write_json(path, value):
    path.write_text(json.dumps(value, indent=1) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


FIXTURE_MAKERS = {
    "seed_mlp": make_seed_mlp,
    "resnet_small": make_resnet_small,
    "resnet_classifier": make_resnet_classifier,
    "vanishing": make_vanishing_reference,
}


def main():
    """Makes every fixture, or only those named on the command line (e.g. ``resnet_classifier``)."""
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name in sys.argv[1:] or FIXTURE_MAKERS:
        FIXTURE_MAKERS[name]()


if __name__ == "__main__":
    main()
