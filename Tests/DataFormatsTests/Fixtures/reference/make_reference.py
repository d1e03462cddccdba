"""Writes the reference files the DataFormats tests read, with numpy and safetensors themselves.

Run from this folder: python3 make_reference.py (numpy 2.x, safetensors 0.4+). The outputs are
committed; rerun only to add cases, and update the tests' expected values if you change these.
"""
import numpy as np
from safetensors.numpy import save_file

np.save("numpy-f32.npy", np.arange(6, dtype=np.float32).reshape(2, 3))
np.save("numpy-f8-3d.npy", (np.arange(24, dtype=np.float64) / 8 - 1).reshape(2, 3, 4))
np.save("numpy-i8-labels.npy", np.array([0, 2, 1, 2, 9], dtype=np.int64))
np.save("numpy-i4.npy", np.array([-3, 70000], dtype=np.int32))
np.save("numpy-f2.npy", np.array([1.5, -0.25, 65504, 6e-8], dtype=np.float16))
np.save("numpy-scalar.npy", np.float32(3.5))
np.save("numpy-empty.npy", np.zeros((0, 3), dtype=np.float32))
np.save("numpy-fortran.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.save("numpy-big-endian.npy", np.arange(3, dtype=">f4"))
np.save("numpy-bool.npy", np.array([True, False]))
with open("numpy-v2.npy", "wb") as f:
    np.lib.format.write_array(f, np.array([[1, 2], [3, 4]], dtype=np.float32), version=(2, 0))
with open("numpy-v3.npy", "wb") as f:
    np.lib.format.write_array(f, np.array([7.25], dtype=np.float64), version=(3, 0))

save_file({"a": np.ones((2, 2), dtype=np.float32), "b": np.arange(3, dtype=np.float32)},
          "python-f32.safetensors", metadata={"format": "pt", "z": "1"})
save_file({"half": np.array([1.5, -2.0], dtype=np.float16),
           "double": np.array([[0.1, 1e30]], dtype=np.float64),
           "long": np.array([-5, 1 << 40], dtype=np.int64),
           "single": np.array(2.5, dtype=np.float32)},
          "python-mixed.safetensors")
