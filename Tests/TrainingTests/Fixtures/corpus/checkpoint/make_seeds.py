#!/usr/bin/env python3
"""Writes the hand-made checkpoint seeds next to this file from real checkpoints.

    python3 make_seeds.py PATH/TO/ddp-train

Two short runs of the default configuration at depth 2, width 4 and momentum 0.9 (the
configuration the fuzz target and ParserFuzzTests.testCheckpointCorpusReplays resume into)
write real checkpoints; each seed is a state.json from them, compacted and edited, with its
checksums replaced by "@model" / "@optimizer" (which the target and the test replace by the
checksums of the tensor files in use), optionally followed by a NUL byte, a selector byte (0:
model, 1: optimizer) and a tensor file. `good-*` must resume; every other seed must be refused
with one line naming the checkpoint.
"""
import json, os, struct, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
binary = sys.argv[1]
work = tempfile.mkdtemp(prefix="ddp-checkpoint-seeds-")
common = ["--depth", "2", "--width", "4", "--momentum", "0.9", "--quiet"]
subprocess.run([binary, "train", *common, "--epochs", "2", "--checkpoint-dir", f"{work}/a", "--run-dir", f"{work}/run-a"], check=True)
subprocess.run([binary, "train", *common, "--epochs", "3", "--checkpoint-every", "3", "--diagnostics-every", "1",
                "--global-batch-size", "20", "--checkpoint-dir", f"{work}/b", "--run-dir", f"{work}/run-b"], check=True)


def state(path):
    s = json.load(open(os.path.join(path, "state.json")))
    s["checksums"] = {"model.safetensors": "@model", "optimizer.safetensors": "@optimizer"}
    s["config"]["runDir"] = s["runDirectory"] = "runs/seed"
    s["createdAt"] = "2026-12-07T00:00:00Z"
    return s


def tensors(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8:8 + n]), data[8 + n:]


def safetensors(header, body):
    text = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(text)) + text + body


end_of_epoch = state(f"{work}/a/step-00000002")       # step 2, epoch 2, stepInEpoch 0
mid_epoch = state(f"{work}/b/step-00000009")          # effective batch 20, stepInEpoch 4, noise scale
model_header, model_body = tensors(f"{work}/a/step-00000002/model.safetensors")
optimizer_header, optimizer_body = tensors(f"{work}/b/step-00000009/optimizer.safetensors")


def write(name, s, selector=None, payload=b""):
    text = s if isinstance(s, bytes) else json.dumps(s, separators=(",", ":")).encode()
    if selector is not None:
        text += b"\0" + bytes([selector]) + payload
    open(os.path.join(here, name), "wb").write(text)


def edited(base, **changes):
    s = json.loads(json.dumps(base))
    for key, value in changes.items():
        if value is None:
            del s[key]
        else:
            s[key] = value
    return s


write("good-end-of-epoch.json", end_of_epoch)
write("good-mid-epoch-other-batch-noise-scale.json", mid_epoch)
write("good-other-world-size.json", edited(mid_epoch, worldSize=4, effectiveBatch=400, stepInEpoch=1))
write("good-trained-model.json", end_of_epoch, 0, safetensors(model_header, model_body))
write("good-momentum-buffers.json", mid_epoch, 1, safetensors(optimizer_header, optimizer_body))
write("bad-format-version-2.json", edited(end_of_epoch, formatVersion=2))
write("bad-checksum-mismatch.json", edited(end_of_epoch, checksums={"model.safetensors": "0", "optimizer.safetensors": "@optimizer"}))
write("bad-checksums-missing.json", edited(end_of_epoch, checksums={}))
write("bad-checksum-key-with-line-break.json", edited(end_of_epoch, checksums={"model.safetensors": "@model", "optimizer.safetensors": "@optimizer", "a\nb": 1}))
write("bad-no-step.json", edited(end_of_epoch, step=None))
write("bad-step-is-text.json", edited(end_of_epoch, step="2"))
write("bad-negative-step.json", edited(end_of_epoch, step=-2))
write("bad-negative-epoch.json", edited(end_of_epoch, epoch=-1))
write("bad-negative-step-in-epoch.json", edited(mid_epoch, stepInEpoch=-4))
write("bad-zero-world-size.json", edited(end_of_epoch, worldSize=0))
write("bad-negative-effective-batch.json", edited(mid_epoch, effectiveBatch=-20))
write("bad-step-in-epoch-over-2-pow-53.json", edited(mid_epoch, stepInEpoch=2**62))
write("bad-step-in-epoch-times-batch-overflows.json", edited(mid_epoch, stepInEpoch=2**40, effectiveBatch=2**30))
write("bad-epoch-int-max-at-epoch-end.json", edited(end_of_epoch, epoch=2**63 - 1, stepInEpoch=1))
write("bad-noise-scale-updates-negative.json", edited(mid_epoch, noiseScale={"overall": {"decay": 0.9, "gradientSquaredNorm": 0, "traceCovariance": 0, "updates": -1}, "layers": []}))
config = json.loads(json.dumps(end_of_epoch["config"]))
config["activation"] = "sig\nmoid"
write("bad-activation-with-line-break.json", edited(end_of_epoch, config=config))
write("bad-truncated.json", json.dumps(end_of_epoch).encode()[:700])
write("bad-array.json", b"[1, 2]")
write("bad-empty.json", b"")
write("bad-nested-100k.json", b'{"config": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
write("bad-model-not-safetensors.json", end_of_epoch, 0, b"not a tensor file")
renamed = {("model.0.w\neight" if k == "model.0.weight" else k): v for k, v in model_header.items()}
write("bad-model-tensor-name-with-line-break.json", end_of_epoch, 0, safetensors(renamed, model_body))
axes = json.loads(json.dumps(model_header))
axes["model.0.weight"]["shape"] = [4, 10] + [1] * 3000
write("bad-model-shape-with-3000-axes.json", end_of_epoch, 0, safetensors(axes, model_body))
missing = {k: v for k, v in model_header.items() if k != "model.2.bias"}
write("bad-model-missing-tensor.json", end_of_epoch, 0, safetensors(missing, model_body))
kind = json.loads(json.dumps(optimizer_header))
kind["__metadata__"]["optimizer"] = "S\nGD"
write("bad-optimizer-kind-with-line-break.json", mid_epoch, 1, safetensors(kind, optimizer_body))
name = {("0\n.momentum_buffer" if k == "0.momentum_buffer" else k): v for k, v in optimizer_header.items()}
write("bad-optimizer-state-name-with-line-break.json", mid_epoch, 1, safetensors(name, optimizer_body))
count = json.loads(json.dumps(optimizer_header))
count["__metadata__"]["step_count"] = "-9"
write("bad-optimizer-step-count-negative.json", mid_epoch, 1, safetensors(count, optimizer_body))
count["__metadata__"]["step_count"] = "nine"
write("bad-optimizer-step-count-not-a-number.json", mid_epoch, 1, safetensors(count, optimizer_body))
print(f"seeds written to {here} from checkpoints in {work}")
