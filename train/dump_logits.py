"""Writes PyTorch's logits of a trained checkpoint on a few token sequences, for Rio's test that its
float64 reference agrees with the training model (test/models/rio-nano.test.ts).

    /usr/bin/python3 train/dump_logits.py --model models/rio-nano --prompts prompts.json --out torch-logits.json

prompts.json: {"prompts": [[ids...], ...]} (from `rio tasks logit-prompts`). The output keeps the logits of
every --every-th position of each prompt (and its last) as float32 rows, base64, with the positions.
"""
import argparse
import base64
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qwen3 import Qwen3ForCausalLM  # noqa: E402


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", f"{path}: {name} is {info['dtype']}, expected F32"
        a, b = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype="<f4").copy()).reshape(info["shape"])
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--prompts", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--every", type=int, default=10)
    args = p.parse_args()
    with open(os.path.join(args.model, "config.json")) as f:
        config = json.load(f)
    model = Qwen3ForCausalLM(config)
    missing, unexpected = model.load_state_dict(load_safetensors(os.path.join(args.model, "model.safetensors")), strict=False)
    assert not unexpected and set(missing) <= {"inv_freq"}, (missing, unexpected)
    model.eval()
    with open(args.prompts) as f:
        prompts = json.load(f)["prompts"]
    rows = []
    with torch.no_grad():
        for ids in prompts:
            logits = model(torch.tensor([ids]))[0].numpy().astype("<f4")
            positions = sorted(set(range(0, len(ids), args.every)) | {len(ids) - 1})
            kept = logits[positions]
            rows.append({"ids": ids, "positions": positions, "vocab": int(kept.shape[1]), "logits": base64.b64encode(kept.tobytes()).decode()})
    with open(args.out, "w") as f:
        json.dump({"torch": torch.__version__, "rows": rows}, f)


if __name__ == "__main__":
    main()
