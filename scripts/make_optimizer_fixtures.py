"""Generates PyTorch golden fixtures for ddp-train's optimizers, gradient clipping and LR schedules.

Writes, under Tests/NNTests/Fixtures/:

- ``optimizers.json``: a list of cases ``{"name", "optimizer", "options", "initial",
  "gradients", "expected"}``. One float32 parameter of 6 elements, 6 steps; before each
  ``step()`` the gradient is set by hand to ``gradients[i]``, and ``expected[i]`` is the
  parameter after that step. ``options`` holds every constructor argument of the optimizer
  (snake_case, PyTorch's names, defaults filled in) so a test need not know PyTorch's defaults.
  The single-tensor (``foreach=False``) implementations are used: they follow the update rules
  on the PyTorch doc pages literally.
- ``clip_grad_norm.json``: cases ``{"name", "max_norm", "norm_type", "shapes", "grads_before",
  "grads_after", "total_norm"}`` from ``torch.nn.utils.clip_grad_norm_`` (which scales by
  ``min(1, max_norm / (total_norm + 1e-6))``).
- ``schedules.json``: ``{"base_lr", "steps", "schedules": [{"name", "scheduler", "options",
  "lrs"}]}``; ``lrs[i]`` is ``param_groups[0]['lr']`` read before the i-th ``scheduler.step()``.
  These are float64, as PyTorch keeps them; CosineAnnealingLR uses PyTorch's recursive form,
  which differs from the closed form by ~1e-17.

All tensors are float32; floats are written as ``float(x)``, which is exact for float32 values.
Deterministic (``torch.manual_seed``). Rerun from the repository root with

    pip install torch numpy
    python3 scripts/make_optimizer_fixtures.py
"""

import json
import pathlib

import torch

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "NNTests" / "Fixtures"
NUM_ELEMENTS = 6
NUM_STEPS = 6

# Constructor arguments recorded for each optimizer, in PyTorch's own spelling.
OPTION_KEYS = {
    "sgd": ["lr", "momentum", "dampening", "nesterov", "weight_decay"],
    "adam": ["lr", "betas", "eps", "weight_decay", "amsgrad"],
    "adamw": ["lr", "betas", "eps", "weight_decay", "amsgrad"],
    "rmsprop": ["lr", "alpha", "eps", "weight_decay", "momentum", "centered"],
}
OPTIMIZERS = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
}

OPTIMIZER_CASES = [
    ("sgd_plain", "sgd", {"lr": 0.1}),
    ("sgd_momentum", "sgd", {"lr": 0.1, "momentum": 0.9}),
    ("sgd_momentum_dampening", "sgd", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1}),
    ("sgd_nesterov", "sgd", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("sgd_momentum_weight_decay", "sgd", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
    ("adam_default", "adam", {"lr": 1e-3}),
    ("adam_weight_decay", "adam", {"lr": 0.05, "weight_decay": 0.01}),
    ("adamw", "adamw", {"lr": 0.01, "weight_decay": 0.1}),
    ("rmsprop_default", "rmsprop", {"lr": 0.01}),
    ("rmsprop_alpha_momentum", "rmsprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5}),
    ("rmsprop_centered", "rmsprop", {"lr": 0.01, "centered": True}),
    (
        "rmsprop_centered_momentum_weight_decay",
        "rmsprop",
        {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.01},
    ),
]


def floats(tensor):
    """The float32 tensor's values as a flat list of Python floats (exact)."""
    return [float(x) for x in tensor.detach().reshape(-1).tolist()]


def json_value(value):
    """Writes numbers as floats (PyTorch's defaults are ints like ``0``) and ``betas`` as a list."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return [float(x) for x in value]


def optimizer_case(name, kind, kwargs, initial, gradients):
    """Runs one optimizer for ``len(gradients)`` steps and records the parameter after each."""
    param = torch.nn.Parameter(initial.clone())
    optimizer = OPTIMIZERS[kind]([param], foreach=False, **kwargs)
    expected = []
    for grad in gradients:
        param.grad = grad.clone()
        optimizer.step()
        expected.append(floats(param))
    options = {key: json_value(optimizer.defaults[key]) for key in OPTION_KEYS[kind]}
    return {
        "name": name,
        "optimizer": kind,
        "options": options,
        "initial": floats(initial),
        "gradients": [floats(g) for g in gradients],
        "expected": expected,
    }


def make_optimizers():
    torch.manual_seed(0)
    initial = torch.randn(NUM_ELEMENTS, dtype=torch.float32)
    gradients = [torch.randn(NUM_ELEMENTS, dtype=torch.float32) for _ in range(NUM_STEPS)]
    return [optimizer_case(name, kind, kwargs, initial, gradients) for name, kind, kwargs in OPTIMIZER_CASES]


def clip_case(name, shapes, max_norm, scale):
    """Clips random gradients of the given shapes, scaled by ``scale``, to ``max_norm``."""
    params = [torch.nn.Parameter(torch.zeros(shape)) for shape in shapes]
    for p in params:
        p.grad = torch.randn(p.shape, dtype=torch.float32) * scale
    before = [floats(p.grad) for p in params]
    total = torch.nn.utils.clip_grad_norm_(params, max_norm=max_norm, norm_type=2.0, foreach=False)
    return {
        "name": name,
        "max_norm": max_norm,
        "norm_type": 2.0,
        "shapes": [list(shape) for shape in shapes],
        "grads_before": before,
        "grads_after": [floats(p.grad) for p in params],
        "total_norm": float(total),
    }


def make_clip_grad_norm():
    torch.manual_seed(1)
    return [
        # Total norm well above max_norm: every gradient is scaled down.
        clip_case("clipped_two_tensors", [(2, 3), (4,)], 1.0, 1.0),
        clip_case("clipped_three_tensors", [(3, 2), (5,), (1, 4)], 0.5, 2.0),
        # Total norm below max_norm: gradients come back unchanged.
        clip_case("not_clipped", [(2, 2), (3,)], 10.0, 0.5),
    ]


def make_schedules(base_lr=0.1, steps=12):
    specs = [
        ("step_lr", "StepLR", {"step_size": 3, "gamma": 0.5}),
        ("cosine_annealing_lr", "CosineAnnealingLR", {"T_max": 10, "eta_min": 0.001}),
    ]
    schedules = []
    for name, cls, options in specs:
        param = torch.nn.Parameter(torch.zeros(1))
        optimizer = torch.optim.SGD([param], lr=base_lr)
        scheduler = getattr(torch.optim.lr_scheduler, cls)(optimizer, **options)
        lrs = []
        for _ in range(steps):
            lrs.append(float(optimizer.param_groups[0]["lr"]))
            optimizer.step()  # PyTorch warns when the scheduler steps before the optimizer.
            scheduler.step()
        schedules.append({"name": name, "scheduler": cls, "options": options, "lrs": lrs})
    return {"base_lr": base_lr, "steps": steps, "schedules": schedules}


def write_json(path, value):
    path.write_text(json.dumps(value, indent=1) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    optimizers = make_optimizers()
    write_json(FIXTURES / "optimizers.json", optimizers)
    for case in optimizers:
        print(f"  {case['name']:<40} final {[round(x, 6) for x in case['expected'][-1]]}")
    clips = make_clip_grad_norm()
    write_json(FIXTURES / "clip_grad_norm.json", clips)
    for case in clips:
        print(f"  {case['name']:<40} total_norm {case['total_norm']:.6f} max_norm {case['max_norm']}")
    schedules = make_schedules()
    write_json(FIXTURES / "schedules.json", schedules)
    for schedule in schedules["schedules"]:
        print(f"  {schedule['name']:<40} {[round(x, 6) for x in schedule['lrs']]}")


if __name__ == "__main__":
    main()
