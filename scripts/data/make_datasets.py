"""Writes the real data sets the mnist1d-* and digits-mlp presets train on, as .npy files.

Inputs are float32, labels int64, samples on the first axis. Into ``--out`` (default ``data/``,
git-ignored; the presets read ``$DDP_TRAIN_DATA`` when set, else ``data/``):

- MNIST-1D (Greydanus 2020), built offline by the ``mnist1d`` package's ``make_dataset()``
  with its default arguments (5,000 sequences of length 40, 10 classes, seed 42, the
  package's own 80/20 split): ``mnist1d_train_{x,y}.npy`` (4,000) and
  ``mnist1d_test_{x,y}.npy`` (1,000, the official test set); and ``mnist1d_{x,y}.npy``, the
  5,000 with the training samples first. ddp-train's ``--val-fraction`` holds out the *last*
  fraction in file order (``Dataset.split``), so ``--val-fraction 0.2`` on the combined
  files validates on exactly the official test set.
- scikit-learn's bundled 8x8 digits (``load_digits``, 1,797 images, 10 classes), flattened to
  64 features and scaled from 0..16 to [0, 1]: ``digits_{x,y}.npy`` in the bundled order,
  and a fixed stratified split (``train_test_split``, test_size 0.2, random_state 0):
  ``digits_train_{x,y}.npy`` (1,437) and ``digits_test_{x,y}.npy`` (360).

Needs ``pip install mnist1d scikit-learn numpy``; nothing in the Swift build or CI does.
Deterministic; run from the repository root with

    python3 scripts/data/make_datasets.py [--out data]
"""

import argparse
import pathlib

import numpy as np


def save(out, name, array, dtype):
    path = out / name
    np.save(path, np.ascontiguousarray(array, dtype=dtype))
    print(f"wrote {path} {array.shape} {np.dtype(dtype).name}")


def make_mnist1d(out):
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    data = make_dataset(args)
    x_train, y_train = data["x"], data["y"]
    x_test, y_test = data["x_test"], data["y_test"]
    assert x_train.shape == (4000, 40) and x_test.shape == (1000, 40), (x_train.shape, x_test.shape)
    save(out, "mnist1d_train_x.npy", x_train, np.float32)
    save(out, "mnist1d_train_y.npy", y_train, np.int64)
    save(out, "mnist1d_test_x.npy", x_test, np.float32)
    save(out, "mnist1d_test_y.npy", y_test, np.int64)
    save(out, "mnist1d_x.npy", np.concatenate([x_train, x_test]), np.float32)
    save(out, "mnist1d_y.npy", np.concatenate([y_train, y_test]), np.int64)


def make_digits(out):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = digits.data.reshape(len(digits.data), 64) / 16.0
    y = digits.target
    save(out, "digits_x.npy", x, np.float32)
    save(out, "digits_y.npy", y, np.int64)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0, stratify=y)
    save(out, "digits_train_x.npy", x_train, np.float32)
    save(out, "digits_train_y.npy", y_train, np.int64)
    save(out, "digits_test_x.npy", x_test, np.float32)
    save(out, "digits_test_y.npy", y_test, np.int64)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="data", help="the folder to write into (default: data)")
    out = pathlib.Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    make_mnist1d(out)
    make_digits(out)


if __name__ == "__main__":
    main()
