"""Moves a trained checkpoint off the GPU machine, whose returned files are limited to 16 MiB each: `split`
writes the float32 weights of a Hugging Face folder as two .npz halves (the configs ride in the first);
`join` rebuilds the folder here, weights bit for bit, with the tokenizer files.

    python3 train/ship_parts.py split RUN/latent/hf OUT/latent
    python3 train/ship_parts.py join OUT/latent TOKENIZER_DIR RUN/latent/hf
"""
import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dump_logits import load_safetensors  # noqa: E402
from train_nano import save_safetensors  # noqa: E402

CONFIGS = ("config.json", "generation_config.json")


def split(hf, prefix):
    weights = {k: v.numpy() for k, v in load_safetensors(os.path.join(hf, "model.safetensors")).items()}
    names = list(weights)  # the state_dict order, kept so join writes the same file
    configs = {name: np.array(open(os.path.join(hf, name)).read()) for name in CONFIGS}
    sizes = np.cumsum([weights[n].nbytes for n in names])
    half = int(np.searchsorted(sizes, sizes[-1] / 2)) + 1  # by bytes: each half under the 16 MiB limit
    for part, chunk in enumerate((names[:half], names[half:])):
        extra = configs if part == 0 else {}
        np.savez_compressed(f"{prefix}.{part}.npz", **{n: weights[n] for n in chunk}, **extra)


def join(prefix, tokenizer, hf):
    os.makedirs(hf, exist_ok=True)
    weights = {}
    for part in (0, 1):
        with np.load(f"{prefix}.{part}.npz") as z:
            for name in z.files:
                if name in CONFIGS:
                    with open(os.path.join(hf, name), "w") as f:
                        f.write(str(z[name]))
                else:
                    weights[name] = z[name]
    import torch

    save_safetensors(os.path.join(hf, "model.safetensors"), {n: torch.from_numpy(w) for n, w in weights.items()})
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(os.path.join(tokenizer, name), os.path.join(hf, name))


if __name__ == "__main__":
    {"split": split, "join": join}[sys.argv[1]](*sys.argv[2:])
