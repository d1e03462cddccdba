"""Writes the hand-picked hostile seeds in this corpus. Run from this folder with python3.

Each file is one attack on a parser; CorpusReplayTests feeds every file here to its parser and
requires a clean DataFormatError or a successful parse. Inputs that ever crashed a parser are
added to the same folders by hand (name them crash-<date>-<what>.<ext>) and never deleted.
"""
import json
import os
import struct


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def safetensors(header, data=b"", length=None):
    header = header if isinstance(header, bytes) else header.encode()
    size = len(header) if length is None else length
    return struct.pack("<Q", size) + header + data


def entry(dtype="F32", shape=(1,), offsets=(0, 4)):
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}


def tensors(**named):
    return json.dumps(named)


st = "safetensors/"
write(st + "empty.safetensors", b"")
write(st + "seven-bytes.safetensors", b"\x01" * 7)
write(st + "header-length-2-pow-60.safetensors", safetensors("{}", length=1 << 60))
write(st + "header-length-u64-max.safetensors", safetensors("{}", length=(1 << 64) - 1))
write(st + "header-length-past-end.safetensors", safetensors("{}", length=1000))
write(st + "header-empty.safetensors", safetensors(""))
write(st + "json-nested-100k.safetensors", safetensors("[" * 100_000))
write(st + "json-object-nested-10k.safetensors", safetensors('{"a":' * 10_000 + "1" + "}" * 10_000))
write(st + "header-invalid-utf8.safetensors", safetensors(b'{"\xff\xfe":1}'))
write(st + "header-nul-bytes.safetensors", safetensors(b"{}\x00\x00\x00\x00\x00\x00"))
write(st + "shape-product-overflow.safetensors",
      safetensors(tensors(w=entry(shape=(1 << 32, 1 << 32), offsets=(0, 0)))))
write(st + "shape-times-dtype-overflow.safetensors",
      safetensors(tensors(w=entry(dtype="F64", shape=(1 << 61,), offsets=(0, 0)))))
write(st + "shape-negative.safetensors", safetensors(tensors(w=entry(shape=(-1,), offsets=(0, 0)))))
write(st + "offsets-int64-max.safetensors",
      safetensors(tensors(w=entry(shape=(1,), offsets=(0, (1 << 63) - 1))), b"\0" * 4))
write(st + "offsets-beyond-int64.safetensors",
      safetensors('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551616]}}', b"\0" * 4))
write(st + "offsets-reversed.safetensors", safetensors(tensors(w=entry(offsets=(4, 0))), b"\0" * 4))
write(st + "offsets-overlap.safetensors",
      safetensors(tensors(a=entry(shape=(2,), offsets=(0, 8)), b=entry(shape=(2,), offsets=(4, 12))), b"\0" * 12))
write(st + "zero-size-inside-another.safetensors",
      safetensors(tensors(a=entry(shape=(2,), offsets=(0, 8)), b=entry(shape=(0,), offsets=(4, 4))), b"\0" * 8))
write(st + "duplicate-keys.safetensors",
      safetensors('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
                  b"\0" * 4))
write(st + "metadata-not-strings.safetensors", safetensors('{"__metadata__":{"a":{"b":[1,2,3]}}}'))
write(st + "shape-with-20k-axes.safetensors",
      safetensors('{"w":{"dtype":"F32","shape":[' + ",".join(["1"] * 20_000) + '],"data_offsets":[0,4]}}', b"\0" * 4))

def npy(header, major=1, data=b"", length=None):
    header = header if isinstance(header, bytes) else header.encode()
    size = len(header) if length is None else length
    fmt = "<H" if major == 1 else "<I"
    return b"\x93NUMPY" + bytes([major, 0]) + struct.pack(fmt, size) + header + data


plain = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }"
np_ = "npy/"
write(np_ + "empty.npy", b"")
write(np_ + "magic-only.npy", b"\x93NUMPY")
write(np_ + "header-length-u32-max.npy", npy("{}", major=2, length=(1 << 32) - 1))
write(np_ + "header-length-u16-max.npy", npy("{}", length=(1 << 16) - 1))
write(np_ + "version-255.npy", npy(plain % "(1,)", major=255))
write(np_ + "nested-parens-100k.npy", npy("(" * 100_000, major=2))
write(np_ + "nested-mixed-brackets.npy", npy("{'a': [(" * 5_000, major=2))
write(np_ + "shape-product-overflow.npy", npy(plain % "(4294967296, 4294967296)"))
write(np_ + "shape-times-itemsize-overflow.npy", npy(plain % "(2305843009213693952,)"))
write(np_ + "shape-huge-no-data.npy", npy(plain % "(1000000000000,)"))
write(np_ + "shape-int-too-large.npy", npy(plain % "(99999999999999999999999999,)"))
write(np_ + "shape-int64-min.npy", npy(plain % "(-9223372036854775808,)"))
write(np_ + "shape-20k-axes.npy", npy(plain % ("(" + "1, " * 20_000 + ")"), major=2, data=b"\0" * 4))
write(np_ + "unterminated-string.npy", npy("{'descr': '<f4"))
write(np_ + "header-invalid-utf8.npy", npy(b"{'\xff\xfe': '<f4'}"))
write(np_ + "header-nul-bytes.npy", npy(b"{\x00}"))
write(np_ + "fortran-3d.npy",
      npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2, 2), }", data=b"\0" * 32))
write(np_ + "data-one-byte-short.npy", npy(plain % "(2,)", data=b"\0" * 7))

cs = "csv/"
write(cs + "empty.csv", b"")
write(cs + "bom-only.csv", b"\xef\xbb\xbf")
write(cs + "lone-quote.csv", b'"')
write(cs + "quote-at-end-of-header.csv", b'a,"')
write(cs + "only-commas.csv", b",,,\n,,,\n")
write(cs + "nul-bytes.csv", b"a,b\n\x00,1\n")
write(cs + "carriage-returns-only.csv", b"\r\r\r\r")
write(cs + "invalid-utf8.csv", b"\xff\xfe,b\n1,2\n")
write(cs + "number-5000-digits.csv", b"a,b\n" + b"9" * 5000 + b",1\n")
write(cs + "nan-variants.csv", b"a,b\n-nan,NaN\n")
write(cs + "hex-and-infinity.csv", b"a,b\n0x1p3,+Infinity\n")
write(cs + "20k-columns-header-only.csv", b",".join(b"c%d" % i for i in range(20_000)) + b"\n")
