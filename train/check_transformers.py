"""Checks train/qwen3.py, the model rio-nano is trained with, against Hugging Face transformers' own
Qwen3ForCausalLM on a trained checkpoint: both in float64 on a few training conversations; prints the
largest |logit difference| (the GPU machine has transformers; Debian's python does not).

    python3 train/check_transformers.py RUN/latent/hf DATA.npz
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dump_logits import load_safetensors  # noqa: E402
from pack_data import load_packed  # noqa: E402
from qwen3 import Qwen3ForCausalLM  # noqa: E402


def main():
    hf, data = sys.argv[1], sys.argv[2]
    import transformers

    theirs = transformers.Qwen3ForCausalLM.from_pretrained(hf).double().eval()
    with open(os.path.join(hf, "config.json")) as f:
        ours = Qwen3ForCausalLM(json.load(f))
    ours.load_state_dict(load_safetensors(os.path.join(hf, "model.safetensors")), strict=False)
    ours = ours.double().eval()
    ids, _, offsets = load_packed(data)
    worst = 0.0
    with torch.no_grad():
        for k in range(8):
            x = torch.tensor(ids[offsets[k] : offsets[k + 1]].astype("int64"))[None]
            diff = (theirs(x).logits - ours(x)).abs().max().item()
            worst = max(worst, diff)
            print(f"conversation {k}: {x.shape[1]} tokens, max |Δ logit| {diff:.3e}")
    print(f"transformers {transformers.__version__} vs train/qwen3.py, float64: max |Δ logit| {worst:.3e}")


if __name__ == "__main__":
    main()
